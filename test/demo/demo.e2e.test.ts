import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG, prometheusType } from '@flux-metrics/core';
import { waitFor } from '../support/processes.ts';
import { startDemo } from '../support/demo.ts';
import { startPrometheus } from '../support/prometheus-server.ts';

/** Catalog metrics a healthy demo cannot produce, and why (the closing note of the demo issue lists them). */
const NOT_EXERCISED: Record<string, string> = {
  flux_metrics_invalid_measurements_total:
    'counts measurements dropped as NaN/negative/non-numbers; the demo records none (test/core/guards.test.ts covers it)',
};

test('the demo produces data for every catalog metric within 45 seconds, seen through a real Prometheus', async (t) => {
  const demo = await startDemo({ durationSeconds: 120 });
  const prometheus = await startPrometheus([{ job_name: 'demo', target: demo.metricsTarget, labels: {} }]);
  try {
    const expected = CATALOG.filter((d) => !(d.name in NOT_EXERCISED)).map((d) =>
      prometheusType(d.kind) === 'histogram' ? `${d.name}_count` : d.name,
    );
    let missing: string[] = expected;
    const started = Date.now();
    await waitFor(
      'every catalog metric in Prometheus',
      async () => {
        const present = new Set(
          (await prometheus.query('group by (__name__) ({job="demo"})')).map((s) => s.metric.__name__),
        );
        missing = expected.filter((name) => !present.has(name));
        return missing.length === 0 ? true : undefined;
      },
      45_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nmissing: ${missing.join(', ')}\ndemo output:\n${demo.output()}`);
    });

    t.diagnostic(`every catalog metric seen after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Data, not just series: traffic flowed on both protocols and through the recorder.
    const value = async (q: string) => (await prometheus.query(q))[0]?.value ?? 0;
    assert.ok((await value('sum(bytes_received_total{protocol="rtsp"})')) > 100_000, 'RTSP media received');
    assert.ok((await value('sum(bytes_received_total{protocol="srt"})')) > 100_000, 'SRT media received');
    assert.ok((await value('sum(storage_written_bytes_total)')) > 100_000, 'recordings written');
    assert.ok((await value('sum(rtsp_requests_total{status="404"})')) >= 1, 'unknown stream answered 404');
    assert.ok((await value('sum(rtsp_requests_total{status="461"})')) >= 1, 'TCP transport refused with 461');
    assert.equal(await value('sum(up{job="demo"})'), 1);
  } finally {
    await demo.stop('SIGTERM');
    await prometheus.stop();
  }
});
