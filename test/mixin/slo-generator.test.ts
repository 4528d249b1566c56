import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { LATENCY_OBJECTIVES } from '@flux-metrics/core';
import {
  BURN_RATE_TIERS,
  builtInSpec,
  burnFactor,
  checkExpression,
  RECORDED_LABELS,
  latencySlo,
  resolveConfig,
  sloRuleFiles,
  sloRuleGroups,
  validateSlothSpec,
  type AlertingRule,
  type RecordingRule,
  type SlothSpec,
} from '@flux-metrics/mixin';
import { toolPath } from '../support/tools.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const config = resolveConfig();

/** The Sloth README's example spec (notes §2.2), as a user would hand it to flux-slo. */
const slothExample = {
  version: 'prometheus/v1',
  service: 'myservice',
  labels: { owner: 'myteam', repo: 'myorg/myservice', tier: '2' },
  slos: [
    {
      name: 'requests-availability',
      objective: 99.9,
      description: 'Common SLO based on availability for HTTP request responses.',
      sli: {
        events: {
          error_query:
            'sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))',
          total_query: 'sum(rate(http_request_duration_seconds_count{job="myservice"}[{{ .window }}]))',
        },
      },
      alerting: {
        name: 'MyServiceHighErrorRate',
        labels: { category: 'availability' },
        annotations: { summary: 'High error rate on myservice requests responses.' },
        page_alert: { labels: { severity: 'pageteam', routing_key: 'myteam' } },
        ticket_alert: { labels: { severity: 'slack', slack_channel: '#alerts-myteam' } },
      },
    },
  ],
};

const isRecording = (r: AlertingRule | RecordingRule): r is RecordingRule => 'record' in r;
const isAlert = (r: AlertingRule | RecordingRule): r is AlertingRule => 'alert' in r;

test('the built-in spec has one SLO per design objective, latency ones from LATENCY_OBJECTIVES', () => {
  const spec = builtInSpec(config);
  const byName = new Map(spec.slos.map((s) => [s.name, s]));
  assert.deepEqual(
    [...byName.keys()].sort(),
    [
      'data-loss',
      'error-rate',
      'requests-availability',
      'srt-packet-loss',
      ...LATENCY_OBJECTIVES.map((o) => o.id),
    ].sort(),
  );
  assert.equal(byName.get('requests-availability')?.objective, 99.9);
  assert.equal(byName.get('data-loss')?.objective, 99.99);
  assert.equal(byName.get('error-rate')?.objective, 99.9);
  assert.equal(byName.get('srt-packet-loss')?.objective, 99);
  for (const o of LATENCY_OBJECTIVES) assert.equal(byName.get(o.id)?.objective, o.objective * 100);
});

test('a latency SLI is _count minus the bucket at the threshold, matching both `le` forms', () => {
  const http = latencySlo(
    config,
    LATENCY_OBJECTIVES.find((o) => o.id === 'http-request-latency')!,
  );
  assert.ok('events' in http.sli);
  assert.equal(
    http.sli.events.error_query,
    'sum(rate(http_request_duration_seconds_count{job=~"media-server|flux-metrics"}[{{.window}}])) - ' +
      'sum(rate(http_request_duration_seconds_bucket{job=~"media-server|flux-metrics", le=~"1|1\\\\.0"}[{{.window}}]))',
  );
  const srt = latencySlo(
    config,
    LATENCY_OBJECTIVES.find((o) => o.id === 'srt-end-to-end-latency')!,
  );
  assert.ok('events' in srt.sli);
  assert.match(srt.sli.events.error_query, /packet_latency_seconds_bucket\{[^}]*protocol="srt", le="0\.2"\}/);
});

test('a latency objective whose threshold has no bucket boundary is an error, not a wrong SLI', () => {
  const noBucket = { ...LATENCY_OBJECTIVES[1]!, id: 'rtsp-setup-300ms', thresholdSeconds: 0.3 };
  assert.throws(
    () => latencySlo(config, noBucket),
    /connection_setup_duration_seconds has no bucket boundary at 0\.3 s/,
  );
  const notHistogram = { ...noBucket, metric: 'errors_total' };
  assert.throws(() => latencySlo(config, notHistogram), /errors_total is not a histogram/);
});

test('burn-rate factors follow the period: 14.4/6/3/1 for 30 days, 13.44/5.6/2.8/0.93 for 28', () => {
  assert.deepEqual(
    BURN_RATE_TIERS.map((t) => [t.severity, t.long, t.short, t.for, burnFactor(t, 30)]),
    [
      ['page', '1h', '5m', '2m', 14.4],
      ['page', '6h', '30m', '15m', 6],
      ['ticket', '1d', '2h', '1h', 3],
      ['ticket', '3d', '6h', '3h', 1],
    ],
  );
  assert.deepEqual(
    BURN_RATE_TIERS.map((t) => Math.round(burnFactor(t, 28) * 100) / 100),
    [13.44, 5.6, 2.8, 0.93],
  );
});

test('rules carry Sloth names, groups and labels; alerts route by severity and inhibit by sloth_id', () => {
  const spec = validateSlothSpec(slothExample);
  const groups = sloRuleGroups(spec, { periodDays: 30 });
  assert.deepEqual(
    groups.map((g) => g.name),
    [
      'sloth-slo-sli-recordings-myservice-requests-availability',
      'sloth-slo-meta-recordings-myservice-requests-availability',
      'sloth-slo-alerts-myservice-requests-availability',
    ],
  );
  const rules = groups.flatMap((g) => g.rules);
  const recordings = rules.filter(isRecording);
  assert.deepEqual(
    recordings.filter((r) => r.record.startsWith('slo:sli_error')).map((r) => r.labels?.sloth_window),
    ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'],
  );
  assert.deepEqual(
    [...new Set(recordings.map((r) => r.record))],
    [
      'slo:sli_error:ratio_rate5m',
      'slo:sli_error:ratio_rate30m',
      'slo:sli_error:ratio_rate1h',
      'slo:sli_error:ratio_rate2h',
      'slo:sli_error:ratio_rate6h',
      'slo:sli_error:ratio_rate1d',
      'slo:sli_error:ratio_rate3d',
      'slo:sli_error:ratio_rate30d',
      'slo:objective:ratio',
      'slo:error_budget:ratio',
      'slo:time_period:days',
      'slo:current_burn_rate:ratio',
      'slo:period_burn_rate:ratio',
      'slo:period_error_budget_remaining:ratio',
      'sloth_slo_info',
    ],
  );
  const sli5m = recordings[0]!;
  assert.deepEqual(sli5m.labels, {
    owner: 'myteam',
    repo: 'myorg/myservice',
    tier: '2',
    sloth_id: 'myservice-requests-availability',
    sloth_service: 'myservice',
    sloth_slo: 'requests-availability',
    sloth_window: '5m',
  });
  // `{{ .window }}` with spaces is filled in too; the total is guarded so no traffic is no sample.
  assert.equal(
    sli5m.expr,
    '(sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[5m])))\n/\n' +
      '((sum(rate(http_request_duration_seconds_count{job="myservice"}[5m]))) > 0)',
  );
  assert.equal(recordings.find((r) => r.record === 'slo:objective:ratio')?.expr, 'vector(0.999)');
  assert.equal(recordings.find((r) => r.record === 'slo:error_budget:ratio')?.expr, 'vector(0.001)');

  const alerts = rules.filter(isAlert);
  assert.deepEqual(
    alerts.map((a) => [a.alert, a.labels?.sloth_severity, a.labels?.severity, a.labels?.long, a.for]),
    [
      ['MyServiceHighErrorRate', 'page', 'pageteam', '1h', '2m'],
      ['MyServiceHighErrorRate', 'page', 'pageteam', '6h', '15m'],
      ['MyServiceHighErrorRate', 'ticket', 'slack', '1d', '1h'],
      ['MyServiceHighErrorRate', 'ticket', 'slack', '3d', '3h'],
    ],
  );
  assert.equal(alerts[0]?.labels?.sloth_id, 'myservice-requests-availability');
  assert.equal(alerts[0]?.labels?.routing_key, 'myteam');
  assert.equal(alerts[2]?.labels?.slack_channel, '#alerts-myteam');
  assert.equal(alerts[0]?.annotations?.summary, 'High error rate on myservice requests responses.');
  assert.match(
    alerts[0]!.expr,
    /ratio_rate5m\{[^}]*\} > 0\.0144\) without \(sloth_window\)\nand\n.*ratio_rate1h/,
  );
  assert.match(
    alerts[3]!.expr,
    /ratio_rate6h\{[^}]*\} > 0\.001\) without .*\nand\n.*ratio_rate3d\{[^}]*\} > 0\.001\)/,
  );
});

test('the mixin maps tiers to routed severities: page = critical, ticket = warning, with runbook URLs', () => {
  const [file] = sloRuleFiles(config);
  assert.equal(file?.path, 'prometheus/rules/slo-media-server.yml');
  const rules = (parse(file!.content) as { groups: { rules: AlertingRule[] }[] }).groups.flatMap(
    (g) => g.rules,
  );
  const burn = rules.filter((r) => r.alert?.endsWith('ErrorBudgetBurn'));
  assert.equal(burn.length, 10 * 4);
  for (const rule of burn) {
    assert.equal(rule.labels?.severity, rule.labels?.sloth_severity === 'page' ? 'critical' : 'warning');
    assert.equal(
      rule.annotations?.runbook_url,
      `https://github.com/flux-metrics/flux-metrics/blob/main/docs/runbooks/${rule.alert}.md`,
    );
    assert.match(rule.annotations?.summary ?? '', /^[A-Z].*\.$/);
  }
  assert.ok(rules.some((r) => r.alert === 'MediaServerRestartRecoverySlow' && r.for === '30s'));
});

test('disabling a tier or a built-in SLO leaves its rules out; unknown names are errors', () => {
  const ticketOnly = validateSlothSpec({
    ...slothExample,
    slos: [
      {
        ...slothExample.slos[0],
        alerting: { ...slothExample.slos[0]!.alerting, page_alert: { disable: true } },
      },
    ],
  });
  const alerts = sloRuleGroups(ticketOnly, { periodDays: 30 })
    .flatMap((g) => g.rules)
    .filter(isAlert);
  assert.deepEqual(
    alerts.map((a) => a.labels?.sloth_severity),
    ['ticket', 'ticket'],
  );

  const without = builtInSpec(
    resolveConfig({ slo: { disabled: ['srt-handshake', 'srt-end-to-end-latency'] } }),
  );
  assert.equal(without.slos.length, 8);
  assert.throws(
    () => builtInSpec(resolveConfig({ slo: { disabled: ['srt-handshke'] } })),
    /no built-in SLO named srt-handshke/,
  );
});

test('user specs in the config get their own file; a name clash with a built-in is an error', () => {
  const files = sloRuleFiles(resolveConfig({ slo: { specs: [slothExample as SlothSpec] } }));
  assert.deepEqual(
    files.map((f) => f.path),
    ['prometheus/rules/slo-media-server.yml', 'prometheus/rules/slo-myservice.yml'],
  );
  const clash = { ...slothExample, service: 'media-server' } as SlothSpec;
  assert.throws(
    () => sloRuleFiles(resolveConfig({ slo: { specs: [clash] } })),
    /sloth-slo-sli-recordings-media-server-requests-availability is defined twice/,
  );
});

test('invalid Sloth specs are rejected with the path of the bad field', () => {
  const slo = slothExample.slos[0]!;
  const cases: [unknown, RegExp][] = [
    [{ ...slothExample, version: 'prometheus/v2' }, /version: expected "prometheus\/v1"/],
    [{ ...slothExample, service: 'a/b' }, /service: "a\/b" does not match/],
    [
      { ...slothExample, slos: [{ ...slo, objective: 100 }] },
      /slos\[0\]\.objective: expected a percentage above 0 and below 100/,
    ],
    [{ ...slothExample, slos: [{ ...slo, objective: '99.9' }] }, /slos\[0\]\.objective/],
    [{ ...slothExample, slos: [slo, slo] }, /slos\[1\]\.name: duplicate SLO name "requests-availability"/],
    [{ ...slothExample, slos: [{ ...slo, name: '-x' }] }, /slos\[0\]\.name: "-x" does not match/],
    [
      { ...slothExample, slos: [{ ...slo, sli: { plugin: { id: 'x' } } }] },
      /sli\.plugin: SLI plugins are not supported/,
    ],
    [{ ...slothExample, slos: [{ ...slo, sli: {} }] }, /slos\[0\]\.sli: expected exactly one of events, raw/],
    [
      { ...slothExample, slos: [{ ...slo, sli: { events: { error_query: 'x' } } }] },
      /sli\.events\.total_query: expected a non-empty string/,
    ],
    [{ ...slothExample, slos: [{ ...slo, objectiv: 99 }] }, /slos\[0\]: unknown field "objectiv"/],
    [{ ...slothExample, labels: { tier: 2 } }, /labels\.tier: expected a string \(quote numbers in YAML\)/],
    [{ ...slothExample, slos: [{ ...slo, alerting: {} }] }, /alerting\.name: expected a non-empty string/],
    [{ ...slothExample, slos: [] }, /slos: expected a non-empty list/],
    ['version: prometheus/v1', /spec: expected a mapping/],
  ];
  for (const [spec, message] of cases) assert.throws(() => validateSlothSpec(spec, 'spec.yml'), message);
});

test('flux-slo turns a Sloth spec file into rules promtool 3.7.3 accepts; bad input exits 2 with the reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flux-slo-'));
  try {
    const spec = join(dir, 'sloth.yml');
    // Two specs in one file, YAML as Sloth users write it.
    writeFileSync(
      spec,
      `${JSON.stringify(slothExample)}\n---\n${JSON.stringify({ ...slothExample, service: 'other' })}\n`,
    );
    const out = join(dir, 'rules.yml');
    const cli = join(repo, 'packages/mixin/dist/slo/cli.js');
    execFileSync(
      process.execPath,
      [cli, '-i', spec, '-o', out, '--runbook-base-url', 'https://runbooks.example/'],
      {
        encoding: 'utf8',
      },
    );
    const check = execFileSync(toolPath('promtool'), ['check', 'rules', '--lint=all', '--lint-fatal', out], {
      encoding: 'utf8',
    });
    assert.match(check, /SUCCESS: 38 rules found/);
    assert.match(readFileSync(out, 'utf8'), /^# Generated by flux-slo .* from Sloth specs/);

    writeFileSync(spec, 'version: prometheus/v1\nservice: x\nslos: []\n');
    let failure: { status?: number; stderr?: string } = {};
    try {
      execFileSync(process.execPath, [cli, '-i', spec], { encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      failure = err as typeof failure;
    }
    assert.equal(failure.status, 2);
    assert.match(failure.stderr ?? '', /sloth\.yml: slos: expected a non-empty list/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every generated SLO expression passes the catalog check, SLO series as RECORDED_LABELS list them', () => {
  const rules = sloRuleFiles(config).flatMap(
    (file) => (parse(file.content) as { groups: { rules: (AlertingRule | RecordingRule)[] }[] }).groups,
  );
  let checked = 0;
  for (const rule of rules.flatMap((g) => g.rules)) {
    const name = 'record' in rule ? rule.record : rule.alert;
    assert.deepEqual(checkExpression(rule.expr, { recorded: RECORDED_LABELS }), [], `${name}: ${rule.expr}`);
    checked++;
  }
  assert.equal(checked, 191);
});

test('flux-mixin --config takes SLOs in Sloth format from a YAML override and writes their file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flux-mixin-slo-'));
  try {
    const overrides = join(dir, 'overrides.yaml');
    writeFileSync(
      overrides,
      `slo:\n  disabled: [srt-handshake]\n  specs:\n    - ${JSON.stringify(slothExample)}\n`,
    );
    const cli = join(repo, 'packages/mixin/dist/cli.js');
    execFileSync(process.execPath, [cli, '--config', overrides, '--out', dir], { encoding: 'utf8' });
    const mine = parse(readFileSync(join(dir, 'prometheus/rules/slo-myservice.yml'), 'utf8')) as {
      groups: { name: string }[];
    };
    assert.equal(mine.groups[0]?.name, 'sloth-slo-sli-recordings-myservice-requests-availability');
    const builtIn = readFileSync(join(dir, 'prometheus/rules/slo-media-server.yml'), 'utf8');
    assert.ok(!builtIn.includes('srt-handshake'), 'disabled built-in left out');
    assert.ok(builtIn.includes('sloth_slo: srt-end-to-end-latency'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
