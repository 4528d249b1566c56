import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadDashboards } from './dashboard-queries.ts';

/** The Grafana provisioning files agree with what docker-compose mounts and what Prometheus scrapes. */

const repo = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => parse(readFileSync(`${repo}${path}`, 'utf8')) as unknown;

interface Compose {
  services: Record<string, { image: string; volumes?: string[] }>;
}

const compose = read('deploy/docker-compose.yml') as Compose;
const grafana = compose.services.grafana!;
/** Container path → repo path (relative to deploy/) of every bind mount of the Grafana service. */
const mounts = new Map(
  (grafana.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([source]) => source!.startsWith('./'))
    .map(([source, target]) => [target!, source!.slice(2)]),
);

test('the dashboard provider reads the directory compose mounts the generated dashboards into', () => {
  const provider = read('deploy/grafana/provisioning/dashboards/flux-metrics.yml') as {
    apiVersion: number;
    providers: {
      type: string;
      disableDeletion: boolean;
      allowUiUpdates: boolean;
      options: { path: string };
    }[];
  };
  assert.equal(provider.apiVersion, 1);
  const [p] = provider.providers;
  assert.equal(p?.type, 'file');
  assert.equal(p?.allowUiUpdates, false, 'generated dashboards are not edited in the UI');
  assert.equal(mounts.get(p!.options.path), 'grafana/dashboards', `compose mounts: ${[...mounts]}`);
  assert.equal(mounts.get('/etc/grafana/provisioning'), 'grafana/provisioning');
  assert.ok(loadDashboards().length >= 7, 'the mounted directory holds the dashboards');
});

test('the data source points at the compose Prometheus, with the scrape interval $__rate_interval needs', () => {
  const ds = read('deploy/grafana/provisioning/datasources/prometheus.yml') as {
    datasources: { type: string; url: string; isDefault: boolean; jsonData: { timeInterval: string } }[];
  };
  const prometheusConfig = read('deploy/prometheus/prometheus.yml') as {
    global: { scrape_interval: string };
  };
  const [source] = ds.datasources;
  assert.equal(source?.type, 'prometheus');
  assert.equal(source?.isDefault, true, "the dashboards' datasource variable starts on the default");
  assert.ok(compose.services.prometheus, 'compose has a prometheus service');
  assert.equal(new URL(source!.url).hostname, 'prometheus');
  assert.equal(source!.jsonData.timeInterval, prometheusConfig.global.scrape_interval);
});

test('dashboards target the Grafana release the stack pins (schema 42 is Grafana 12)', () => {
  const version = /grafana\/grafana:(\d+)\./.exec(grafana.image)?.[1];
  assert.equal(version, '12', grafana.image);
  for (const d of loadDashboards()) {
    assert.equal((d as unknown as { schemaVersion: number }).schemaVersion, 42, d.title);
  }
});
