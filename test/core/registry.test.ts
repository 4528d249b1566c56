import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defineMetric, FluxRegistry, type MetricName } from '@flux-metrics/core';
import { catalogViews } from '@flux-metrics/node';
import { PrometheusBridge } from '@flux-metrics/prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CARTS, CHECKOUT, ORDERS } from './fixtures/shop-metrics.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** A registry of its own, with a bridge and provider wired the way register() wires the default one. */
function wired(registry: FluxRegistry) {
  const bridge = new PrometheusBridge({ registry });
  const provider = new MeterProvider({ readers: [bridge.reader], views: catalogViews(registry) });
  registry.attach(provider);
  return { bridge, provider };
}

describe('FluxRegistry', () => {
  it("records an app's own metrics with the catalog's guards, buckets, cells and label bounds", async () => {
    const registry = new FluxRegistry({ labelLimits: {} });
    registry.labelLimits.streamNames.limit = 2;
    const orders = registry.define(ORDERS);
    const checkout = registry.define(CHECKOUT);
    const carts = registry.define(CARTS);
    const { bridge, provider } = wired(registry);
    try {
      orders.record(2, { outcome: 'ok' });
      orders.record(1, { outcome: 'lost in the mail' });
      orders.record(-1, { outcome: 'ok' });
      checkout.record(0.3, {});
      for (const store of ['berlin', 'paris', 'rome']) carts.cell({ store }).value = 4;
      const { text } = await bridge.scrape();
      assert.match(text, /^shop_orders_total\{outcome="ok",[^}]*\} 2$/m);
      assert.match(text, /^shop_orders_total\{outcome="failed",[^}]*\} 1$/m, 'unknown enum value: fallback');
      assert.match(text, /^shop_checkout_duration_seconds_bucket\{[^}]*le="0.5"[^}]*\} 1$/m);
      assert.match(
        text,
        /^shop_open_carts\{store="_overflow",[^}]*\} 4$/m,
        "the registry's own stream bound",
      );
      assert.match(
        text,
        /^flux_metrics_label_overflow_total\{metric="shop_orders_total",label="outcome",[^}]*\} 1$/m,
      );
      assert.match(
        text,
        /^flux_metrics_invalid_measurements_total\{metric="shop_orders_total",reason="negative",[^}]*\} 1$/m,
      );
      assert.equal(registry.definitions.at(-1), CARTS, 'app definitions follow the catalog');
    } finally {
      await provider.shutdown();
    }
  });

  it('refuses a name never defined, an invalid name and a conflicting definition, when created', () => {
    const registry = new FluxRegistry();
    assert.throws(
      () => registry.get('shop_refunds_total' as MetricName),
      /"shop_refunds_total" is neither in flux's catalog nor defined by the app; declare it with registry\.define/,
    );
    assert.throws(() => registry.define({ ...ORDERS, name: 'shop-orders_total' }), /not a valid Prometheus/);
    assert.throws(() => registry.define({ ...ORDERS, name: 'shop_orders' }), /must end in _total/);
    registry.define(ORDERS);
    assert.equal(
      registry.define(ORDERS),
      registry.define(ORDERS),
      'the same definition: the same instrument',
    );
    assert.throws(() => registry.define({ ...ORDERS, help: 'other' }), /already defined/);
    assert.throws(
      () => defineMetric({ name: 'x_seconds', kind: 'histogram', unit: 's', help: '', labels: {} }),
      /needs explicit buckets/,
    );
  });

  it("generates the reference of an app's own entries with the catalog's generator", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'flux-reference-'));
    try {
      const out = path.join(dir, 'shop.md');
      const run = (...args: string[]) =>
        promisify(execFile)(process.execPath, ['scripts/gen-metrics-doc.ts', ...args], { cwd: repo });
      await run('--entries', 'test/core/fixtures/shop-metrics.ts', '--out', out, '--title', 'Shop metrics');
      const text = await readFile(out, 'utf8');
      assert.match(text, /^# Shop metrics$/m);
      assert.match(text, /^### `shop_checkout_duration_seconds`$/m);
      assert.match(text, /^\| buckets \| 0\.1, 0\.5, 1 \|$/m);
      assert.match(text, /^- `outcome`: one of `ok`, `failed`; else `failed`$/m);
      assert.match(text, /^\| recorded by \| the application \|$/m);
      await run(
        '--entries',
        'test/core/fixtures/shop-metrics.ts',
        '--out',
        out,
        '--title',
        'Shop metrics',
        '--check',
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('keeps a measurement recorded before any provider and exports it once an exporter reads the registry', async (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const registry = new FluxRegistry();
    const orders = registry.define(ORDERS);
    orders.record(1, { outcome: 'ok' });
    orders.record(1, { outcome: 'ok' });
    const { bridge, provider } = wired(registry);
    try {
      assert.match((await bridge.scrape()).text, /^shop_orders_total\{outcome="ok",[^}]*\} 2$/m);
      assert.equal(warn.mock.callCount(), 0, 'nothing was lost, so nothing is reported');
    } finally {
      await provider.shutdown();
    }
  });
});

/** Runs an ES module in a fresh process (globals untouched by this test process); returns its stderr. */
async function run(source: string): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['--input-type=module', '-e', source], { cwd: repo });
}
const stderrOf = async (source: string) => (await run(source)).stderr;

describe('data that would be lost is exported, or reported', () => {
  it('helpers bound to the no-op provider before register() record into the registered one', async () => {
    const { stdout, stderr } = await run(`
      import { metrics } from '@opentelemetry/api';
      import { fluxInstruments } from '@flux-metrics/core';
      import { register } from '@flux-metrics/node';
      const errors = fluxInstruments(metrics.getMeterProvider()).get('errors_total');
      const flux = register({ prometheus: { listen: false }, flushOnExit: false, systemMetrics: false });
      errors.record(2, { type: 'timeout', component: 'rtsp' });
      console.log((await flux.prometheus.scrape()).text);
      await flux.shutdown();
    `);
    assert.match(stdout, /^errors_total\{type="timeout",component="rtsp",[^}]*\} 2$/m);
    assert.equal(stderr, '', 'nothing was lost, so nothing is reported');
  });

  it('a registry nothing exports warns once that its metrics go nowhere; one an exporter reads does not', async () => {
    const { stderr } = await run(`
      import { FluxRegistry } from '@flux-metrics/core';
      import { observedSeriesProducer } from '@flux-metrics/node';
      const lost = new FluxRegistry({ unexportedWarningMs: 50 });
      lost.get('errors_total').record(1, { type: 'timeout', component: 'rtsp' });
      lost.get('active_streams');
      const read = new FluxRegistry({ unexportedWarningMs: 50 });
      observedSeriesProducer(read);
      read.get('errors_total').record(1, { type: 'timeout', component: 'rtsp' });
      await new Promise((resolve) => setTimeout(resolve, 500));
    `);
    const warnings = stderr.match(/nothing exports this registry/g) ?? [];
    assert.equal(warnings.length, 1, stderr);
  });

  it('a second copy of core in the process warns', async () => {
    const stderr = await stderrOf(`
      await import('@flux-metrics/core');
      // Another URL is another module instance: what a second installed copy is to Node.
      const url = import.meta.resolve('@flux-metrics/core').replace(/index\.js$/, 'instruments/factory.js');
      await import(url + '?second-copy');
    `);
    assert.match(stderr, /two copies of @flux-metrics\/core are loaded/);
  });
});
