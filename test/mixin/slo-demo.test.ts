import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { builtInSpec, resolveConfig } from '@flux-metrics/mixin';
import { waitFor } from '../support/processes.ts';
import { startDemo } from '../support/demo.ts';
import { startPrometheus } from '../support/prometheus-server.ts';
import { toolPath } from '../support/tools.ts';

const rules = fileURLToPath(new URL('../../deploy/prometheus/rules/slo-media-server.yml', import.meta.url));

/** Built-in SLOs the demo cannot feed, and why (listed in docs/slo.md too). */
const NOT_EXERCISED: Record<string, string> = {
  'srt-handshake':
    "the demo's one SRT publisher connects once, at start: the handshake histogram is born with count 1, so " +
    'its rate is 0 and the SLI has no traffic (no sample, by design); wrong-passphrase callers never complete one',
};

test('the demo scraped by Prometheus 3.7.3 gives a finite SLI for every objective; its faults move them and page', async (t) => {
  const demo = await startDemo({ durationSeconds: 900 });
  // The job name the mixin's app selector matches (job=~"media-server|flux-metrics").
  const prometheus = await startPrometheus(
    [{ job_name: 'media-server', target: demo.metricsTarget, labels: {} }],
    {
      binary: toolPath('prometheus'),
      ruleFiles: [rules],
      evaluationInterval: '5s', // 191 rules every second is needless load on a busy machine
    },
  );
  try {
    const expected = builtInSpec(resolveConfig())
      .slos.map((s) => s.name)
      .filter((name) => !(name in NOT_EXERCISED));
    // The SLI and what alerts and dashboards read from it: burn rate and budget left (rule groups run apart,
    // so each is waited for).
    const read = [
      'slo:sli_error:ratio_rate5m',
      'slo:current_burn_rate:ratio',
      'slo:period_error_budget_remaining:ratio',
    ];
    let values = new Map<string, Map<string, number>>();
    const missing = () =>
      read.flatMap((rule) =>
        expected.filter((name) => !values.get(rule)?.has(name)).map((name) => `${rule}{${name}}`),
      );
    await waitFor(
      'every objective in every SLO rule',
      async () => {
        const samples = await Promise.all(read.map((rule) => prometheus.query(rule)));
        values = new Map(
          read.map((rule, i) => [rule, new Map(samples[i]!.map((s) => [s.metric.sloth_slo!, s.value]))]),
        );
        return missing().length === 0 ? true : undefined;
      },
      240_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nmissing: ${missing().join(', ')}\ndemo output:\n${demo.output()}`);
    });

    for (const name of expected) {
      const [sli, burn, remaining] = read.map((rule) => values.get(rule)!.get(name)!);
      t.diagnostic(`${name}: SLI ${sli}, burn rate ${burn}, budget remaining ${remaining}`);
      assert.ok(sli! >= 0 && sli! <= 1, `${name}: SLI ${sli} is not a finite ratio`);
      assert.ok(Number.isFinite(burn) && Number.isFinite(remaining), `${name}: ${burn} / ${remaining}`);
    }

    // What the data-loss SLI is made of (SRT drops vs RTP loss reported by players), for the report.
    for (const part of ['srt_packets_dropped_total', 'packets_lost_total{protocol="rtsp"}']) {
      const [rate] = await prometheus.query(`sum(rate(${part}[5m]))`);
      t.diagnostic(`data-loss part ${part}: ${rate?.value ?? 'no series'} packets/s`);
    }

    // The fault switch (docs/demo.md): RTSP 501s must raise the availability and error-rate SLIs, SRT loss at
    // the relay the SRT packet-loss SLI; the 501s (5 a second) burn the 99.9 % budget fast enough to page.
    // The relay drops half the publisher's datagrams: the demo's own SRT loss on a busy machine (up to tens of
    // per cent) must not hide it.
    const sli = async (name: string) =>
      (await prometheus.query(`slo:sli_error:ratio_rate5m{sloth_slo="${name}"}`))[0]?.value ?? Number.NaN;
    const moved = ['requests-availability', 'error-rate', 'srt-packet-loss'];
    const before = new Map(await Promise.all(moved.map(async (n) => [n, await sli(n)] as const)));
    await demo.setFaults({ rtspErrors: true, srtLoss: 0.5 });
    for (const name of moved) {
      const after = await waitFor(
        `${name} SLI above ${before.get(name)}`,
        async () => {
          const value = await sli(name);
          return value > before.get(name)! ? value : undefined;
        },
        240_000,
      );
      t.diagnostic(`fault on: ${name} SLI ${before.get(name)} → ${after}`);
    }
    const page = await waitFor(
      'RequestsAvailabilityErrorBudgetBurn (page) firing',
      async () =>
        (await prometheus.alerts()).find(
          (a) =>
            a.state === 'firing' &&
            a.labels.alertname === 'RequestsAvailabilityErrorBudgetBurn' &&
            a.labels.sloth_severity === 'page',
        ),
      300_000,
    );
    t.diagnostic(
      `paged: ${page.labels.alertname} (${page.labels.long}/${page.labels.short}), 5m error ratio ${page.value}`,
    );
  } finally {
    await demo.stop('SIGTERM');
    await prometheus.stop();
  }
});
