import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CATALOG, prometheusType } from '@flux-metrics/core';
import { createHarness } from '../support/harness.ts';
import { familySamples, parseExposition } from '../support/exposition.ts';
import { recordEveryMetric } from '../support/sample-all.ts';

const SCOPE_LABELS = new Set(['otel_scope_name', 'otel_scope_version', 'le']);

test('a real MeterProvider + Prometheus exporter exposes every catalog metric exactly as catalogued', async () => {
  const h = createHarness();
  try {
    recordEveryMetric(h.provider);
    const exposition = parseExposition(await h.scrape());
    for (const def of CATALOG) {
      assert.equal(exposition.types.get(def.name), prometheusType(def.kind), `${def.name}: TYPE`);
      const samples = familySamples(exposition, def.name);
      assert.ok(samples.length > 0, `${def.name}: no samples`);
      for (const s of samples) {
        const labels = Object.keys(s.labels).filter((l) => !SCOPE_LABELS.has(l));
        assert.deepEqual(labels.sort(), Object.keys(def.labels).sort(), `${def.name}: labels`);
      }
      if (def.kind === 'histogram') {
        const le = samples
          .filter((s) => s.name === `${def.name}_bucket`)
          .map((s) => s.labels.le)
          .filter((v) => v !== '+Inf')
          .map(Number);
        assert.deepEqual(le, def.buckets, `${def.name}: buckets`);
      }
    }
  } finally {
    await h.shutdown();
  }
});

test('the exposition passes promtool check metrics', async () => {
  const h = createHarness();
  try {
    recordEveryMetric(h.provider);
    const text = await h.scrape();
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(result.error, undefined, 'promtool not runnable: run scripts/setup-system.sh');
    assert.equal(result.status, 0, `promtool: ${result.stdout}${result.stderr}`);
    // promtool must actually judge: a counter without _total is a lint problem it reports.
    const bad = spawnSync('promtool', ['check', 'metrics'], {
      input: '# HELP x_bytes x\n# TYPE x_bytes counter\nx_bytes 1\n',
      encoding: 'utf8',
    });
    assert.notEqual(bad.status, 0);
  } finally {
    await h.shutdown();
  }
});
