import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { toolPath } from '../support/tools.ts';

/**
 * The generated SLO rules (deploy/prometheus/rules/slo-media-server.yml, as committed) under `promtool test
 * rules` of the Prometheus the stack pins (3.7.3): synthetic traffic in, alerts and recorded values out.
 */
const rules = fileURLToPath(new URL('../../deploy/prometheus/rules/slo-media-server.yml', import.meta.url));
const promtool = toolPath('promtool');

const JOB = 'job="media-server", instance="a"';
const good = `http_requests_total{${JOB}, method="GET", path="/streams", status="200"}`;
const bad = `http_requests_total{${JOB}, method="GET", path="/streams", status="500"}`;
const AVAILABILITY = 'media-server-requests-availability';

interface Series {
  series: string;
  values: string;
}
interface AlertCase {
  eval_time: string;
  alertname: string;
  exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
}
interface ExprCase {
  expr: string;
  eval_time: string;
  exp_samples: { labels: string; value: number }[];
}
interface Case {
  interval?: string;
  input_series: Series[];
  alert_rule_test?: AlertCase[];
  promql_expr_test?: ExprCase[];
}

/** Runs one promtool test case against the committed rule file; fails with promtool's report. */
function runPromtool(name: string, testCase: Case, evaluationInterval = '1m'): void {
  const dir = mkdtempSync(join(tmpdir(), 'slo-promtool-'));
  try {
    const file = join(dir, 'test.yml');
    const body = {
      rule_files: [rules],
      evaluation_interval: evaluationInterval,
      group_eval_order: groupOrder(),
      tests: [{ name, ...testCase }],
    };
    writeFileSync(file, stringify(body, { lineWidth: 0 }));
    try {
      execFileSync(promtool, ['test', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: string; stderr?: string };
      assert.fail(`promtool test rules failed:\n${stdout ?? ''}${stderr ?? ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface GeneratedFile {
  groups: { name: string; rules: GeneratedAlert[] }[];
}
const generated = () => parse(readFileSync(rules, 'utf8')) as GeneratedFile;

/**
 * SLI recordings, then metadata, then alerts: within one evaluation an alert reads this evaluation's SLI. Without
 * an order promtool (like Prometheus, whose groups run independently) may read the previous one.
 */
function groupOrder(): string[] {
  const names = generated().groups.map((g) => g.name);
  const rank = (name: string) => (name.includes('-sli-') ? 0 : name.includes('-meta-') ? 1 : 2);
  return [...names].sort((a, b) => rank(a) - rank(b));
}

interface GeneratedAlert {
  alert: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The generated alert rule of one SLO and tier, from the committed file. */
function alertRule(sloName: string, long: string): GeneratedAlert {
  const rule = generated()
    .groups.flatMap((g) => g.rules)
    .find((r) => r.alert && r.labels.sloth_slo === sloName && r.labels.long === long);
  assert.ok(rule, `no alert for ${sloName} with long window ${long}`);
  return rule;
}

/** What promtool expects of a firing burn-rate alert: its labels and annotations rendered for `value`. */
function firing(sloName: string, long: string, value: string): AlertCase['exp_alerts'][number] {
  const rule = alertRule(sloName, long);
  const render = (text: string) =>
    text
      .replace(/\{\{ ?\$labels\.(\w+) ?\}\}/g, (_, label: string) => rule.labels[label] ?? '')
      .replace('{{ $value | humanizePercentage }}', value);
  return {
    exp_labels: rule.labels,
    exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, render(v)])),
  };
}

/** Steady traffic for `minutes`: `perMinute` requests a minute of which `errorsPerMinute` fail with 500. */
function steady(perMinute: number, errorsPerMinute: number, minutes: number): Series[] {
  return [
    { series: good, values: `0+${perMinute - errorsPerMinute}x${minutes}` },
    { series: bad, values: `0+${errorsPerMinute}x${minutes}` },
  ];
}

test('promtool check rules accepts the SLO rule file with every lint on', () => {
  const out = execFileSync(promtool, ['check', 'rules', '--lint=all', '--lint-fatal', rules], {
    encoding: 'utf8',
  });
  assert.match(out, /SUCCESS: \d+ rules found/);
});

test('fast burn: a full outage after a healthy hour pages within 4 minutes (14.4× tier, 1h/5m)', () => {
  // 100 requests a minute, all good for 60 minutes; from minute 61 every request fails.
  // At 61m both the 5m ratio and the 1h ratio (≈ 100 bad of 6100) exceed 14.4 × 0.001 = 0.0144: pending;
  // `for: 2m` makes it fire at 63m. The 6×, 3× and 1× tiers are still pending then (for 15m, 1h, 3h).
  runPromtool('fast burn', {
    input_series: [
      { series: good, values: '0+100x60 6000x30' },
      { series: bad, values: '0x60 100+100x29' },
    ],
    alert_rule_test: [
      { eval_time: '60m', alertname: 'RequestsAvailabilityErrorBudgetBurn', exp_alerts: [] },
      { eval_time: '62m', alertname: 'RequestsAvailabilityErrorBudgetBurn', exp_alerts: [] },
      {
        eval_time: '64m',
        alertname: 'RequestsAvailabilityErrorBudgetBurn',
        // $value is the 5m error ratio: over (59m, 64m] only failures (the good counter stopped at 60m).
        exp_alerts: [firing('requests-availability', '1h', '100%')],
      },
    ],
  });
});

test('slow burn: 0.5 % errors (5× budget) opens a ticket after an hour and never pages', () => {
  // 1000 requests a minute, 5 fail: ratio 0.005 in every window, above 3 × 0.001 and 1 × 0.001, below 6 × and
  // 14.4 × 0.001. The 2h/1d tier (for: 1h) fires at 61m; the 6h/3d tier (for: 3h) at 181m.
  runPromtool('slow burn', {
    input_series: steady(1000, 5, 200),
    alert_rule_test: [
      { eval_time: '59m', alertname: 'RequestsAvailabilityErrorBudgetBurn', exp_alerts: [] },
      {
        eval_time: '70m',
        alertname: 'RequestsAvailabilityErrorBudgetBurn',
        exp_alerts: [firing('requests-availability', '1d', '0.5%')],
      },
      {
        eval_time: '190m',
        alertname: 'RequestsAvailabilityErrorBudgetBurn',
        exp_alerts: [
          firing('requests-availability', '1d', '0.5%'),
          firing('requests-availability', '3d', '0.5%'),
        ],
      },
    ],
  });
});

test('budget-neutral: errors at exactly the budget rate (0.1 %) alert nothing in 4 hours', () => {
  // 1000 requests a minute, 1 fails: burn rate 1, which spends exactly the 30-day budget; every tier needs more.
  runPromtool('budget neutral', {
    input_series: steady(1000, 1, 240),
    alert_rule_test: ['30m', '70m', '120m', '200m', '240m'].map((t) => ({
      eval_time: t,
      alertname: 'RequestsAvailabilityErrorBudgetBurn',
      exp_alerts: [],
    })),
    promql_expr_test: [
      {
        expr: `slo:current_burn_rate:ratio{sloth_id="${AVAILABILITY}"}`,
        eval_time: '240m',
        exp_samples: [{ labels: burnLabels('5m'), value: 1 }],
      },
    ],
  });
});

function burnLabels(window: string): string {
  return `slo:current_burn_rate:ratio{sloth_id="${AVAILABILITY}", sloth_service="media-server", sloth_slo="requests-availability", sloth_window="${window}"}`;
}

test('no traffic: no SLI sample (no NaN), no burn rate, no alert, for every built-in SLO', () => {
  // Counters and histograms that exist but never move, for 4 hours: every `total > 0` guard removes the SLI.
  const latency = (le: string) =>
    `http_request_duration_seconds_bucket{${JOB}, method="GET", path="/", le="${le}"}`;
  runPromtool('no traffic', {
    input_series: [
      { series: good, values: '0x240' },
      { series: bad, values: '0x240' },
      { series: latency('1.0'), values: '0x240' },
      { series: latency('+Inf'), values: '0x240' },
      { series: `http_request_duration_seconds_count{${JOB}, method="GET", path="/"}`, values: '0x240' },
      { series: `packets_received_total{${JOB}, protocol="srt", stream_name="cam1"}`, values: '7x240' },
      { series: `packets_lost_total{${JOB}, protocol="srt", stream_name="cam1"}`, values: '0x240' },
    ],
    alert_rule_test: ['10m', '70m', '240m'].flatMap((t) =>
      [
        'RequestsAvailabilityErrorBudgetBurn',
        'HttpRequestLatencyErrorBudgetBurn',
        'SrtPacketLossErrorBudgetBurn',
      ].map((alertname) => ({ eval_time: t, alertname, exp_alerts: [] })),
    ),
    promql_expr_test: [
      // count() of nothing is nothing: not a single SLI, burn-rate or budget sample exists, NaN or otherwise.
      ...['slo:sli_error:ratio_rate5m', 'slo:sli_error:ratio_rate30d', 'slo:current_burn_rate:ratio'].map(
        (name) => ({ expr: `count(${name})`, eval_time: '240m', exp_samples: [] }),
      ),
      { expr: 'count(slo:period_error_budget_remaining:ratio)', eval_time: '240m', exp_samples: [] },
      // The metadata is there regardless: 10 objectives.
      { expr: 'count(slo:objective:ratio)', eval_time: '240m', exp_samples: [{ labels: '{}', value: 10 }] },
    ],
  });
});

test('budget remaining: 0.05 % errors leave half the budget, 0.2 % errors overspend it by 100 %', () => {
  // The 30d SLI is the mean of the 5m ratios so far; with a constant ratio r over 3 hours:
  //   period burn rate = r / 0.001, budget remaining = 1 - r / 0.001.
  //   availability: 2 of 2000 + 2000 requests a minute fail (500): r = 0.0005, burn 0.5, remaining 0.5.
  //   error rate: 8 errors per 4000 requests: r = 0.002, burn 2, remaining 1 - 2 = -1 (overspent by 100 %).
  const second = (series: string) =>
    series.replace('instance="a"', 'instance="b"').replace('media-server', 'flux-metrics');
  const expectRemaining = (sloth: string, value: number) => ({
    expr: `slo:period_error_budget_remaining:ratio{sloth_id="${sloth}"}`,
    eval_time: '180m',
    exp_samples: [
      {
        labels: `slo:period_error_budget_remaining:ratio{sloth_id="${sloth}", sloth_service="media-server", sloth_slo="${sloth.replace('media-server-', '')}", sloth_window="30d"}`,
        value,
      },
    ],
  });
  runPromtool('budget remaining', {
    input_series: [
      ...steady(2000, 2, 180),
      // A second job of the selector: 2000 answered requests (404 is not a 5xx) and 8 errors a minute.
      { series: second(good).replace('status="200"', 'status="404"'), values: '0+2000x180' },
      {
        series: `errors_total{job="flux-metrics", instance="b", type="not_found", component="http"}`,
        values: '0+8x180',
      },
    ],
    promql_expr_test: [
      expectRemaining('media-server-requests-availability', 0.5),
      {
        expr: `slo:period_burn_rate:ratio{sloth_id="${AVAILABILITY}"}`,
        eval_time: '180m',
        exp_samples: [
          {
            labels: `slo:period_burn_rate:ratio{sloth_id="${AVAILABILITY}", sloth_service="media-server", sloth_slo="requests-availability", sloth_window="30d"}`,
            value: 0.5,
          },
        ],
      },
      expectRemaining('media-server-error-rate', -1),
    ],
  });
});

test('latency SLIs count the bucket at the threshold in both `le` forms (Prometheus 3 "1.0", Prometheus 2 "1")', () => {
  // http-request-latency (< 1 s): instance a stored by Prometheus 3 (le="1.0"), instance b by Prometheus 2 or
  // an old exporter (le="1"); each 100 requests a minute, 98 under 1 s: SLI error ratio 4 / 200 = 0.02.
  // rtsp-connection-setup (< 100 ms, le="0.1" in both versions): 50 setups a minute, 1 slower: 0.02.
  const http = (instance: string, le: string) =>
    `http_request_duration_seconds_bucket{job="media-server", instance="${instance}", method="GET", path="/", le="${le}"}`;
  const httpCount = (instance: string) =>
    `http_request_duration_seconds_count{job="media-server", instance="${instance}", method="GET", path="/"}`;
  const rtsp = (suffix: string) =>
    `connection_setup_duration_seconds${suffix}{job="media-server", instance="a", protocol="rtsp"${suffix === '_bucket' ? ', le="0.1"' : ''}}`;
  // Rounded to 1e-6: `_count - _bucket` leaves float noise (0.020000000000000063).
  const sli = (slo: string) => ({
    expr: `round(slo:sli_error:ratio_rate5m{sloth_slo="${slo}"}, 0.000001)`,
    eval_time: '30m',
    exp_samples: [
      {
        labels: `{sloth_id="media-server-${slo}", sloth_service="media-server", sloth_slo="${slo}", sloth_window="5m"}`,
        value: 0.02,
      },
    ],
  });
  runPromtool('latency le forms', {
    input_series: [
      { series: http('a', '1.0'), values: '0+98x30' },
      { series: httpCount('a'), values: '0+100x30' },
      { series: http('b', '1'), values: '0+98x30' },
      { series: httpCount('b'), values: '0+100x30' },
      { series: rtsp('_bucket'), values: '0+49x30' },
      { series: rtsp('_count'), values: '0+50x30' },
    ],
    promql_expr_test: [sli('http-request-latency'), sli('rtsp-connection-setup')],
  });
});

test('restart recovery: a 15 s restart does not alert, a server down for over 30 s opens a ticket', () => {
  // Scrapes every 15 s: up at 0–60 s, down at 75 s (one failed scrape), up 90–150 s, down from 165 s.
  // `for: 30s`: the long outage is pending at 165 s and 180 s and fires at 195 s.
  const up = 'up{job="media-server", instance="a"}';
  const alert = {
    exp_labels: { severity: 'warning', slo: 'restart-recovery', job: 'media-server', instance: 'a' },
    exp_annotations: {
      summary: 'A media server has not recovered within 30 s.',
      description:
        'a of media-server has not answered a scrape for more than 30 s: a restart did not recover within the 30 s objective, or the server is down.',
      runbook_url:
        'https://github.com/flux-metrics/flux-metrics/blob/main/docs/runbooks/MediaServerRestartRecoverySlow.md',
    },
  };
  runPromtool(
    'restart recovery',
    {
      interval: '15s',
      input_series: [{ series: up, values: '1x4 0 1x4 0x6 1x2' }],
      alert_rule_test: [
        { eval_time: '90s', alertname: 'MediaServerRestartRecoverySlow', exp_alerts: [] },
        { eval_time: '180s', alertname: 'MediaServerRestartRecoverySlow', exp_alerts: [] },
        { eval_time: '210s', alertname: 'MediaServerRestartRecoverySlow', exp_alerts: [alert] },
        { eval_time: '270s', alertname: 'MediaServerRestartRecoverySlow', exp_alerts: [] },
      ],
    },
    '15s',
  );
});
