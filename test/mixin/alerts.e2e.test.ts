import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, resolveConfig } from '@flux-metrics/mixin';
import { waitFor } from '../support/processes.ts';
import { startDemo } from '../support/demo.ts';
import { startPrometheus } from '../support/prometheus-server.ts';
import { toolPath } from '../support/tools.ts';

/** Each fault of the demo's switch and the alerts it must fire. */
const EXPECTED: Record<string, readonly string[]> = {
  rtspErrors: ['RtspRequestErrors'],
  srtLoss: ['HighSRTPacketLoss'],
  errorStops: ['StreamAbnormalTermination'],
  diskFull: ['HighDiskUsage', 'RecordingWriteErrors'],
};
const WATCHED = Object.values(EXPECTED).flat();

test('demo faults fire the matching alerts on Prometheus 3.7.3 (fast profile) and resolve when switched off', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flux-alerts-e2e-'));
  const ruleFiles = generate(resolveConfig({ alerts: { profile: 'fast' } }))
    .filter((f) => f.path.startsWith('prometheus/rules/'))
    .map((f) => {
      const path = join(dir, f.path.split('/').pop()!);
      writeFileSync(path, f.content);
      return path;
    });
  const demo = await startDemo({ durationSeconds: 400 });
  const prometheus = await startPrometheus(
    [{ job_name: 'media-server', target: demo.metricsTarget, labels: {} }],
    { binary: toolPath('prometheus'), ruleFiles, evaluationInterval: '1s' },
  );
  const active = async (state?: 'firing') =>
    new Set(
      (await prometheus.alerts()).filter((a) => !state || a.state === state).map((a) => a.labels.alertname!),
    );
  try {
    await waitFor(
      'the demo publishing cam1 and SRT flowing',
      async () => {
        const q = await prometheus.query(
          'sum(rate(packets_received_total{protocol="srt"}[10s])) > 0 and on () count(active_streams) > 0',
        );
        return q.length > 0 ? true : undefined;
      },
      60_000,
    );
    const before = await active();
    assert.deepEqual(
      WATCHED.filter((a) => before.has(a)),
      [],
      'no watched alert before the faults',
    );

    const switchedOn = Date.now();
    await demo.setFaults({ rtspErrors: true, srtLoss: true, errorStops: true, diskFull: true });
    const firedAfter: Record<string, number> = {};
    await waitFor(
      'every expected alert firing',
      async () => {
        const firing = await active('firing');
        for (const name of WATCHED)
          if (firing.has(name)) firedAfter[name] ??= (Date.now() - switchedOn) / 1000;
        return WATCHED.every((name) => name in firedAfter) ? true : undefined;
      },
      150_000,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}; fired: ${JSON.stringify(firedAfter)}\n${demo.output().slice(-2000)}`,
      );
    });
    for (const [name, seconds] of Object.entries(firedAfter))
      t.diagnostic(`${name} firing ${seconds.toFixed(1)} s after the fault`);

    const switchedOff = Date.now();
    await demo.setFaults({ rtspErrors: false, srtLoss: false, errorStops: false, diskFull: false });
    let still: string[] = [];
    await waitFor(
      'every watched alert resolved',
      async () => {
        const now = await active();
        still = WATCHED.filter((a) => now.has(a));
        return still.length === 0 ? true : undefined;
      },
      150_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; still active: ${still.join(', ')}`);
    });
    t.diagnostic(`all resolved ${((Date.now() - switchedOff) / 1000).toFixed(1)} s after switching off`);
  } finally {
    await demo.stop('SIGTERM');
    await prometheus.stop();
  }
});
