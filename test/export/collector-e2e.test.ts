import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { CATALOG, prometheusType } from '@flux-metrics/core';
import { buildCollector, collectorPorts, startCollector, type CollectorPorts } from './collector-process.ts';
import { freePort, startChild, waitFor, type Child } from '../support/processes.ts';
import { startPrometheus, type Labels, type PrometheusServer } from '../support/prometheus-server.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const SERVICE = 'flux-e2e';
const INSTANCE = 'e2e-1';
/** A second app that pushes over OTLP/gRPC only. */
const GRPC_INSTANCE = 'e2e-grpc';
/** Each path's series in the one Prometheus: scrape-target label export_path, and the pushing instance. */
const selectors = {
  direct: `{export_path="direct"}`,
  'collector (OTLP/HTTP)': `{export_path="collector",instance="${INSTANCE}"}`,
  'collector (OTLP/gRPC)': `{export_path="collector",instance="${GRPC_INSTANCE}"}`,
  remote_write: `{export_path="remote_write",instance="${INSTANCE}"}`,
};
/** Labels that differ by design between the paths (docs/deploy.md, "job and instance"). */
const PATH_LABELS = new Set(['__name__', 'job', 'instance', 'export_path']);

/** The Prometheus names of every catalog metric (histograms as their _bucket/_count/_sum series). */
function catalogSeriesNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const def of CATALOG) {
    if (prometheusType(def.kind) === 'histogram') {
      for (const suffix of ['_bucket', '_count', '_sum']) names.set(def.name + suffix, def.name);
    } else names.set(def.name, def.name);
  }
  return names;
}

/**
 * Bucket bounds compare as numbers: JS writes `le="1048576"`, the Collector (Go) `le="1.048576e+06"`
 * (docs/deploy.md, "Differences"). histogram_quantile() reads both the same.
 */
function labelKey(labels: Labels): string {
  return Object.entries(labels)
    .filter(([k]) => !PATH_LABELS.has(k))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(k === 'le' ? String(Number(v)) : v)}`)
    .join(',');
}

/** name -> sorted label sets, for the catalog series of one export path. */
async function seriesByName(prom: PrometheusServer, selector: string): Promise<Map<string, string[]>> {
  const catalogNames = catalogSeriesNames();
  const byName = new Map<string, string[]>();
  for (const labels of await prom.series(selector, 30)) {
    const name = labels.__name__!;
    if (!catalogNames.has(name)) continue;
    byName.set(name, [...(byName.get(name) ?? []), labelKey(labels)]);
  }
  for (const list of byName.values()) list.sort();
  return byName;
}

describe('export paths end to end: direct scrape, OTLP -> Collector -> Prometheus, remote write', () => {
  let prom: PrometheusServer | undefined;
  let collector: Child | undefined;
  let app: Child | undefined;
  let grpcApp: Child | undefined;
  let bin = '';
  let ports: CollectorPorts;
  let appPort = 0;
  let appMetricsPort = 0;

  const startTheCollector = () =>
    startCollector(bin, ports, {
      env: {
        FLUX_COLLECTOR_EXPORTERS: '[prometheus, prometheus_remote_write]',
        FLUX_REMOTE_WRITE_ENDPOINT: `${prom!.url}/api/v1/write`,
      },
      // Remote-written series land in the same Prometheus; this label tells them apart.
      set: ['exporters::prometheus_remote_write::external_labels::export_path=remote_write'],
    });

  before(
    async () => {
      bin = await buildCollector();
      ports = await collectorPorts();
      appPort = await freePort();
      appMetricsPort = await freePort();
      prom = await startPrometheus([
        { job_name: 'flux-direct', target: `127.0.0.1:${appMetricsPort}`, labels: { export_path: 'direct' } },
        {
          job_name: 'flux-collector',
          target: `127.0.0.1:${ports.prometheus}`,
          labels: { export_path: 'collector' },
          honor_labels: true,
        },
      ]);
      collector = await startTheCollector();
      const startApp = (port: number, env: Record<string, string>) =>
        startChild(
          process.execPath,
          ['--import', '@flux-metrics/node/register', 'test/export/fixtures/instrumented-app.ts'],
          {
            cwd: repo,
            env: {
              PATH: process.env.PATH,
              APP_PORT: String(port),
              OTEL_SERVICE_NAME: SERVICE,
              OTEL_METRIC_EXPORT_INTERVAL: '1000',
              ...env,
            },
          },
        );
      app = startApp(appPort, {
        OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${INSTANCE},deployment.environment.name=test`,
        OTEL_METRICS_EXPORTER: 'both',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(appMetricsPort),
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.http}`,
      });
      const grpcAppPort = await freePort();
      grpcApp = startApp(grpcAppPort, {
        OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${GRPC_INSTANCE},deployment.environment.name=test`,
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://127.0.0.1:${ports.grpc}`,
      });
      for (const port of [appPort, grpcAppPort]) {
        await waitFor(
          'app serving',
          async () => ((await fetch(`http://127.0.0.1:${port}/`)).ok ? true : undefined),
          30_000,
        );
      }
    },
    { timeout: 30 * 60_000 },
  );

  after(async () => {
    await app?.stop('SIGTERM');
    await grpcApp?.stop('SIGTERM');
    await collector?.stop();
    await prom?.stop();
  });

  it(
    'gives Prometheus the same names and label sets for every catalog metric on all paths',
    { timeout: 120_000 },
    async () => {
      const p = prom!;
      // Every path has delivered the app's steady counter and at least two scrapes of everything.
      for (const [path, selector] of Object.entries(selectors)) {
        const steady = `packets_sent_total${selector.slice(0, -1)},stream_name="e2e"}`;
        await waitFor(
          `${path} series`,
          async () => {
            const r = await p.query(`count_over_time(${steady}[30s])`);
            return r.length === 1 && r[0]!.value >= 2 ? true : undefined;
          },
          60_000,
        ).catch((err: unknown) => {
          throw new Error(
            `${String(err)}\napp:\n${app!.output()}\ngRPC app:\n${grpcApp!.output()}\ncollector:\n${collector!.output().slice(-3000)}`,
          );
        });
      }
      const direct = await seriesByName(p, selectors.direct);
      const emitted = new Set([...direct.keys()].map((n) => catalogSeriesNames().get(n)));
      // The app records every catalog metric once, so every one must be on the direct path.
      const missing = CATALOG.map((d) => d.name).filter((n) => !emitted.has(n));
      assert.deepEqual(missing, [], 'catalog metrics missing from the direct scrape');

      for (const path of ['collector (OTLP/HTTP)', 'collector (OTLP/gRPC)', 'remote_write'] as const) {
        const other = await seriesByName(p, selectors[path]);
        assert.deepEqual(
          [...other.keys()].sort(),
          [...direct.keys()].sort(),
          `metric names on the ${path} path`,
        );
        for (const [name, labelSets] of direct) {
          assert.deepEqual(other.get(name), labelSets, `label sets of ${name} on the ${path} path`);
        }
      }

      // job/instance: the scrape's on the direct path, service.name/service.instance.id through the Collector.
      const [viaCollector] = await p.query(
        `packets_sent_total{export_path="collector",instance="${INSTANCE}",stream_name="e2e"}`,
      );
      assert.equal(viaCollector?.metric.job, SERVICE);
      assert.equal(viaCollector?.metric.instance, INSTANCE);
      const [viaDirect] = await p.query(`packets_sent_total{export_path="direct",stream_name="e2e"}`);
      assert.equal(viaDirect?.metric.job, 'flux-direct');
      assert.equal(viaDirect?.metric.instance, `127.0.0.1:${appMetricsPort}`);
    },
  );

  it(
    'survives a Collector outage: app serves, memory stays bounded, counters continue without reset',
    { timeout: 180_000 },
    async (t) => {
      const p = prom!;
      const heap = async () =>
        (await p.query(`memory_usage_bytes{export_path="direct",type="heap_used"}`))[0]?.value;
      const collectorValue = async () =>
        (
          await p.query(
            `packets_sent_total{export_path="collector",instance="${INSTANCE}",stream_name="e2e"}`,
          )
        )[0]?.value;
      // Only the scraped Collector series: the remote-written copy (export_path="remote_write") gets no staleness
      // marker, so it stays visible for 5 min after the outage began and proves nothing about recovery.
      const grpcValue = async () =>
        (
          await p.query(
            `packets_sent_total${selectors['collector (OTLP/gRPC)'].slice(0, -1)},stream_name="e2e"}`,
          )
        )[0]?.value;
      const before = await waitFor('collector value', collectorValue, 60_000);
      const grpcBefore = await waitFor('gRPC collector value', grpcValue, 60_000);
      const heapBefore = await waitFor('app heap', async () => heap(), 30_000);

      await collector!.stop('SIGKILL');
      collector = undefined;
      const outageMs = 20_000;
      const outageEnd = Date.now() + outageMs;
      let served = 0;
      while (Date.now() < outageEnd) {
        const res = await fetch(`http://127.0.0.1:${appPort}/`, { signal: AbortSignal.timeout(2000) });
        assert.equal(res.status, 200, 'the app keeps serving while the Collector is down');
        await res.text();
        served++;
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.ok(served >= 20);
      // The direct path is unaffected by the outage: it still shows fresh data.
      const [fresh] = await p.query(`packets_sent_total{export_path="direct",stream_name="e2e"}`);
      assert.ok(fresh && fresh.value > before, 'direct scrape kept working during the outage');
      const heapAfter = (await heap()) ?? NaN;
      t.diagnostic(
        `app heap ${(heapBefore / 1048576).toFixed(1)} -> ${(heapAfter / 1048576).toFixed(1)} MiB over the outage`,
      );
      assert.ok(
        heapAfter - heapBefore < 32 * 1024 * 1024,
        `heap grew by ${((heapAfter - heapBefore) / 1048576).toFixed(1)} MiB during a ${outageMs / 1000}s outage`,
      );

      collector = await startTheCollector();
      const restartedAt = Date.now();
      // register()'s gRPC exporter caps grpc-js's reconnect backoff at 5 s (grpc-exporter.ts), so the gRPC app
      // is back within seconds of the restart, like the HTTP one. grpc-js's default (×1.6 per failed attempt up
      // to 120 s) could leave it half a minute or more without a connection attempt.
      const grpcBack = waitFor(
        'gRPC app back on the Collector path',
        async () => {
          const v = await grpcValue();
          return v !== undefined && v > grpcBefore ? v : undefined;
        },
        30_000,
      ).then(() =>
        t.diagnostic(`gRPC app back ${(Date.now() - restartedAt) / 1000} s after the Collector restart`),
      );
      grpcBack.catch(() => {}); // awaited below; a failure before that must not count as unhandled
      const after = await waitFor(
        'collector value after restart',
        async () => {
          const v = await collectorValue();
          return v !== undefined && v > before ? v : undefined;
        },
        60_000,
      );
      // Cumulative totals: the first push after the restart carries everything counted during the outage.
      const [directNow] = await p.query(`packets_sent_total{export_path="direct",stream_name="e2e"}`);
      assert.ok(
        after >= fresh!.value,
        `collector path ${after} caught up with the total seen directly before (${fresh!.value})`,
      );
      assert.ok(
        directNow!.value - after < 200,
        'collector path is within a push interval of the direct path',
      );
      await grpcBack;
      for (const series of [
        selectors['collector (OTLP/HTTP)'],
        selectors['collector (OTLP/gRPC)'],
        selectors.remote_write,
      ]) {
        const inner = series.slice(1, -1);
        const resets = await p.query(`resets(packets_sent_total{${inner},stream_name="e2e"}[5m])`);
        assert.deepEqual(
          resets.map((r) => r.value),
          [0],
          `no counter reset on ${series}`,
        );
        const errorResets = await p.query(`resets(errors_total{${inner},component="srt"}[5m])`);
        assert.deepEqual(
          errorResets.map((r) => r.value),
          [0],
          `no reset of the SDK counter on ${series}`,
        );
      }
      const [rate] = await p.query(
        `rate(packets_sent_total{export_path="collector",instance="${INSTANCE}",stream_name="e2e"}[2m])`,
      );
      // 10 packets every 100 ms = 100/s; a reset would make rate() jump far above it.
      assert.ok(rate && rate.value > 20 && rate.value < 200, `rate ${rate?.value} is the app's real rate`);
    },
  );
});
