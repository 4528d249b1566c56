import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { generate, resolveConfig, type AlertingRule, type RuleGroup } from '@flux-metrics/mixin';
import { parse } from 'yaml';
import { toolPath } from '../support/tools.ts';
import { CASES, type AlertCase, type Series } from './alert-cases.ts';

/** Alerts that fire on purpose without data: AppAbsent (no app reports) and Watchdog (always). */
const FIRE_WITHOUT_DATA = new Set(['AppAbsent', 'Watchdog']);

const promtool = toolPath('promtool');
const dir = mkdtempSync(join(tmpdir(), 'flux-promtool-'));
const ruleFiles = generate(resolveConfig()).filter((f) => f.path.startsWith('prometheus/rules/'));
for (const file of ruleFiles) writeFileSync(join(dir, file.path.split('/').pop()!), file.content);
const ruleNames = ruleFiles.map((f) => f.path.split('/').pop()!);
// SLO burn-rate alerts have their own promtool cases (slo-promtool.test.ts).
const alerts: AlertingRule[] = ruleFiles
  .filter((f) => !f.path.split('/').pop()!.startsWith('slo-'))
  .flatMap((f) =>
    (parse(f.content) as { groups: RuleGroup[] }).groups.flatMap((g) =>
      g.rules.filter((r): r is AlertingRule => 'alert' in r),
    ),
  );

function minutes(duration: string | undefined): number {
  const m = /^(\d+)([mh])$/.exec(duration ?? '0m');
  if (!m) throw new Error(`unexpected duration ${duration}`);
  return Number(m[1]) * (m[2] === 'h' ? 60 : 1);
}

function expand(series: readonly Series[], n: number) {
  return series.map((s) => ({ series: s.series, values: s.values.replaceAll('{N}', String(n)) }));
}

function seriesText(metric: string, labels: Readonly<Record<string, string>>): string {
  return `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;
}

/** Runs one promtool test file; fails with promtool's own output. */
function promtoolTest(name: string, tests: unknown[]): void {
  const path = join(dir, `${name}.test.yml`);
  writeFileSync(
    path,
    stringify({ rule_files: ruleNames, evaluation_interval: '1m', tests }, { lineWidth: 0 }),
  );
  try {
    execFileSync(promtool, ['test', 'rules', path], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    assert.fail(`promtool test rules ${path}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

test('promtool 3.7.3 check rules --lint=all --lint-fatal accepts the generated rule files', () => {
  const out = execFileSync(
    promtool,
    ['check', 'rules', '--lint=all', '--lint-fatal', ...ruleNames.map((n) => join(dir, n))],
    {
      encoding: 'utf8',
    },
  );
  assert.match(out, /SUCCESS/);
});

test('every generated alert has a promtool case, and every case an alert', () => {
  const named = new Set(alerts.map((a) => a.alert));
  for (const name of named) assert.ok(name in CASES || name === 'Watchdog', `no promtool case for ${name}`);
  for (const name of Object.keys(CASES)) assert.ok(named.has(name), `case for unknown alert ${name}`);
});

for (const rule of alerts) {
  const c: AlertCase | undefined = CASES[rule.alert];
  if (!c) continue;
  const wait = minutes(rule.for);
  const evalAt = c.evalMinutes ?? wait + 10;
  const n = c.minutes ?? evalAt + 20;
  const quiet = (input: readonly Series[], label: string) => ({
    name: `${rule.alert}: quiet on ${label}`,
    interval: '1m',
    input_series: expand(input, n),
    alert_rule_test: [{ eval_time: `${evalAt}m`, alertname: rule.alert, exp_alerts: [] }],
  });
  test(`${rule.alert}: fires after for: ${rule.for ?? '0m'} on bad data; quiet on healthy${c.idle ? ', idle' : ''} data`, () => {
    const labels = { severity: rule.labels?.severity ?? '', ...c.firing };
    const fires = {
      name: `${rule.alert}: fires on bad data`,
      interval: '1m',
      input_series: expand(c.bad, n),
      alert_rule_test: [
        ...(wait >= 2 ? [{ eval_time: `${wait - 1}m`, alertname: rule.alert, exp_alerts: [] }] : []),
        ...(c.annotations
          ? [
              {
                eval_time: `${evalAt}m`,
                alertname: rule.alert,
                exp_alerts: [{ exp_labels: labels, exp_annotations: c.annotations }],
              },
            ]
          : []),
      ],
      // Labels only: alert_rule_test would also demand every rendered annotation.
      promql_expr_test: [
        {
          expr: `ALERTS{alertname="${rule.alert}", alertstate="firing"}`,
          eval_time: `${evalAt}m`,
          exp_samples: [
            {
              labels: seriesText('ALERTS', { alertname: rule.alert, alertstate: 'firing', ...labels }),
              value: 1,
            },
          ],
        },
      ],
    };
    promtoolTest(rule.alert, [
      fires,
      quiet(c.healthy, 'healthy data'),
      ...(c.idle ? [quiet(c.idle, 'zero traffic')] : []),
    ]);
  });
}

test('with no series at all only AppAbsent and Watchdog fire (no NaN or +Inf pages)', () => {
  promtoolTest('missing-series', [
    {
      name: 'no input series',
      interval: '1m',
      input_series: [],
      alert_rule_test: alerts
        .map((a) => ({
          eval_time: '2h',
          alertname: a.alert,
          exp_alerts: [],
        }))
        .filter((t) => !FIRE_WITHOUT_DATA.has(t.alertname)),
      promql_expr_test: [
        {
          expr: 'ALERTS{alertstate="firing"}',
          eval_time: '2h',
          exp_samples: alerts
            .filter((a) => FIRE_WITHOUT_DATA.has(a.alert))
            .map((a) => ({
              labels: seriesText('ALERTS', {
                alertname: a.alert,
                alertstate: 'firing',
                severity: a.labels?.severity ?? '',
              }),
              value: 1,
            })),
        },
      ],
    },
  ]);
});
