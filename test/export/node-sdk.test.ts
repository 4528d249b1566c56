import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { CATALOG } from '@flux-metrics/core';
import { buildCollector, collectorPorts, startCollector } from './collector-process.ts';
import { freePort, startChild, waitFor } from '../support/processes.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const EXPECTED = [...CATALOG.map((def) => def.name), 'shop_orders_total'];

/** The metric names (their `# TYPE` lines, or sample names) missing from an exposition text. */
function missing(text: string): string[] {
  const names = new Set(
    [...text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*?)(?:_bucket|_sum|_count)?[{ ]/gm)].map((m) => m[1]),
  );
  for (const m of text.matchAll(/^# TYPE (\S+)/gm)) names.add(m[1]!);
  return EXPECTED.filter((name) => !names.has(name));
}

async function startApp(order: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const child = startChild(process.execPath, ['test/export/fixtures/sdk-app.ts'], {
    cwd: repo,
    env: { PATH: process.env.PATH, SDK_ORDER: order, PROM_PORT: String(port), ...env },
  });
  await waitFor('the app', async () => (child.output().includes('ready') ? true : undefined), 30_000);
  return { child, port };
}

async function scrapeUntilComplete(url: string, what: string): Promise<string> {
  let last = '';
  try {
    return await waitFor(
      what,
      async () => {
        last = await (await fetch(url)).text();
        return missing(last).length === 0 ? last : undefined;
      },
      60_000,
    );
  } catch (err) {
    throw new Error(`${String(err)}; missing: ${missing(last).join(', ')}`);
  }
}

describe('NodeSDK with fluxSdkConfig()', () => {
  for (const order of ['sdk-first', 'helpers-first']) {
    it(`exports every catalog metric and an app metric, and keeps the app's traces (${order})`, async () => {
      const { child, port } = await startApp(order);
      try {
        const text = await scrapeUntilComplete(`http://127.0.0.1:${port}/metrics`, '/metrics');
        assert.match(text, /^shop_orders_total\{outcome="ok",/m);
        assert.match(child.output(), /^spans 1$/m, 'the NodeSDK tracer provider still exports spans');
        assert.doesNotMatch(child.output(), /flux-metrics: /, 'no data-loss warning');
      } finally {
        await child.stop('SIGTERM');
      }
    });
  }

  it('exports every catalog metric at a real Collector over OTLP', async () => {
    const bin = await buildCollector();
    const ports = await collectorPorts();
    const collector = await startCollector(bin, ports);
    try {
      const { child } = await startApp('helpers-first', {
        OTLP_URL: `http://127.0.0.1:${ports.http}/v1/metrics`,
      });
      try {
        await scrapeUntilComplete(`http://127.0.0.1:${ports.prometheus}/metrics`, 'the Collector');
      } finally {
        await child.stop('SIGTERM');
      }
    } finally {
      await collector.stop();
    }
  });
});

describe('an app that set its own global MeterProvider', () => {
  it('keeps its provider and metrics, and register() exports every flux metric through its own', async () => {
    const { child, port } = await startApp('own-provider');
    try {
      await scrapeUntilComplete(`http://127.0.0.1:${port}/metrics`, '/metrics');
      assert.match(child.output(), /^app metrics 1$/m, "the app's own provider still collects its metric");
      assert.doesNotMatch(child.output(), /flux-metrics: /, 'no data-loss warning');
    } finally {
      await child.stop('SIGTERM');
    }
  });
});
