import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parser } from '@prometheus-io/lezer-promql';
import { CATALOG, prometheusType } from '@flux-metrics/core';
import {
  checkExpression,
  dashboardRecordedLabels,
  defaultConfig,
  RECORDED_LABELS,
  SLO_RECORDED_LABELS,
} from '@flux-metrics/mixin';
import { loadDashboards, panelsOf, queriesOf, substitute, type DashboardJson } from './dashboard-queries.ts';

/**
 * The rules of grafana/dashboard-linter, ported (it needs a Go toolchain and lags Grafana's schema), plus
 * every panel expression parsed with lezer-promql and checked against the catalog after variable substitution.
 */

const repo = fileURLToPath(new URL('../../', import.meta.url));
const DASHBOARDS = loadDashboards();
const DS = '${datasource}';

const RECORDED = {
  ...RECORDED_LABELS,
  ...dashboardRecordedLabels(defaultConfig),
  ...SLO_RECORDED_LABELS,
};

/** A placeholder for a variable that survives parsing, so matchers can be traced back to their variable. */
const sentinel = (name: string) => `__var_${name}__`;

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

function descendants(node: SyntaxNode, name: string, found: SyntaxNode[] = []): SyntaxNode[] {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name === name) found.push(child);
    descendants(child, name, found);
  }
  return found;
}

interface Selector {
  readonly name: string;
  /** label → matcher values (a selector may match one label twice: the mixin selector and the variable). */
  readonly matchers: ReadonlyMap<string, string[]>;
  /** Directly the range of rate()/irate()/increase(). */
  readonly inRate: boolean;
}

function selectors(expr: string): Selector[] {
  const tree = parser.parse(expr);
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  return descendants(tree.topNode, 'VectorSelector').map((node) => {
    const matchers = new Map<string, string[]>();
    for (const m of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
      const label = text(m.getChild('LabelName')!);
      matchers.set(label, [...(matchers.get(label) ?? []), text(m.getChild('StringLiteral')!).slice(1, -1)]);
    }
    const matrix = node.parent?.name === 'MatrixSelector' ? node.parent : undefined;
    const call = matrix?.parent?.parent; // MatrixSelector → FunctionCallBody → FunctionCall
    const fn = call?.name === 'FunctionCall' ? text(call.getChild('FunctionIdentifier')!) : '';
    const id = node.getChild('Identifier');
    return { name: id ? text(id) : '', matchers, inRate: ['rate', 'irate', 'increase'].includes(fn) };
  });
}

const COUNTERS = new Set(
  CATALOG.flatMap((d) => {
    const type = prometheusType(d.kind);
    if (type === 'counter') return [d.name];
    if (type === 'histogram') return [`${d.name}_bucket`, `${d.name}_count`, `${d.name}_sum`];
    return [];
  }),
);
/** A range (`[5m]`) after a selector; a regex character class inside a string (`"[45].."`) is not one. */
const RANGE = /(?<=[}\w])\[([^\]]*)\]/g;

const isCounter = (name: string) => COUNTERS.has(name) || name.endsWith('_total');

function variableNames(d: DashboardJson): Set<string> {
  return new Set(d.templating.list.map((v) => v.name));
}

test('seven dashboards are generated, with unique uids and titles', () => {
  const uids = DASHBOARDS.map((d) => d.uid).sort();
  assert.deepEqual(uids, [
    'flux-overview',
    'flux-performance',
    'flux-pipeline',
    'flux-rtsp',
    'flux-slo',
    'flux-srt',
    'flux-storage',
  ]);
  assert.equal(new Set(DASHBOARDS.map((d) => d.title)).size, DASHBOARDS.length);
});

test('dashboard rules: tags, read-only, unique panel ids and titles', () => {
  for (const d of DASHBOARDS) {
    assert.ok(d.tags?.includes('flux-metrics'), `${d.title}: tag`);
    assert.equal(d.editable, false, `${d.title}: provisioned dashboards are read-only`);
    const ids = d.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `${d.title}: duplicate panel ids`);
    for (const p of d.panels) {
      assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${d.title} / ${p.title}: wider than the grid`);
    }
    const titles = panelsOf(d).map((p) => p.title);
    assert.equal(new Set(titles).size, titles.length, `${d.title}: two panels with one title`);
  }
});

test('template rules: datasource, job and instance variables; query variables reload on time change', () => {
  for (const d of DASHBOARDS) {
    const [datasource, job, instance] = d.templating.list;
    assert.equal(datasource?.type, 'datasource', `${d.title}: first variable is the data source`);
    assert.equal(datasource?.name, 'datasource');
    assert.equal(datasource?.query, 'prometheus');
    assert.equal(job?.name, 'job', `${d.title}: job variable`);
    assert.equal(instance?.name, 'instance', `${d.title}: instance variable`);
    for (const v of d.templating.list.filter((x) => x.type === 'query')) {
      const where = `${d.title} $${v.name}`;
      assert.equal(v.datasource?.uid, DS, `${where}: uses the datasource variable`);
      assert.equal(v.refresh, 2, `${where}: refresh on time range change`);
      assert.equal(v.multi, true, `${where}: multi`);
      assert.equal(v.includeAll, true, `${where}: include All`);
      assert.equal(v.allValue, '.+', `${where}: All is .+`);
      const match = /^label_values\((.+), (\w+)\)$/s.exec(v.query ?? '');
      assert.ok(match, `${where}: label_values(series, label), got ${v.query}`);
      const series = substitute(match[1]!, '1m', sentinel);
      assert.deepEqual(checkExpression(series, { recorded: RECORDED }), [], `${where}: ${series}`);
    }
  }
});

test('panel rules: title, description, unit, datasource variable and at least one target', () => {
  for (const d of DASHBOARDS) {
    for (const p of panelsOf(d)) {
      const where = `${d.title} / ${p.title}`;
      assert.ok(p.title.trim(), `${d.title}: panel ${p.id} has no title`);
      assert.ok((p.description ?? '').trim().length > 20, `${where}: description`);
      assert.ok(p.fieldConfig?.defaults?.unit, `${where}: unit`);
      assert.equal(p.datasource?.uid, DS, `${where}: panel datasource`);
      assert.ok((p.targets ?? []).length > 0, `${where}: no targets`);
      for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, DS, `${where} ${t.refId}: datasource`);
    }
  }
});

test('target rules: only $__rate_interval ranges, defined variables, expressions valid against the catalog', () => {
  let checked = 0;
  for (const d of DASHBOARDS) {
    const defined = variableNames(d);
    for (const q of queriesOf(d)) {
      const where = `${q.dashboard} / ${q.panel} ${q.refId}`;
      for (const [, range] of q.expr.matchAll(RANGE)) {
        assert.equal(range, '$__rate_interval', `${where}: range [${range}] instead of [$__rate_interval]`);
      }
      const expr = substitute(q.expr, '1m', (name) => {
        assert.ok(defined.has(name), `${where}: $${name} is not a variable of the dashboard`);
        return sentinel(name);
      });
      assert.deepEqual(checkExpression(expr, { recorded: RECORDED }), [], `${where}:\n${expr}`);
      checked++;
    }
  }
  assert.ok(checked >= 100, `only ${checked} queries`);
});

test('target rules: every selector filters by job and instance variables (SLO series by SLO)', () => {
  const collectorJob = /job="([^"]+)"/.exec(defaultConfig.selectors.collector)![1]!;
  for (const d of DASHBOARDS) {
    for (const q of queriesOf(d)) {
      const expr = substitute(q.expr, '1m', sentinel);
      for (const s of selectors(expr)) {
        const where = `${q.dashboard} / ${q.panel} ${q.refId}: ${s.name}`;
        if (s.name.startsWith('slo:')) {
          assert.deepEqual(s.matchers.get('sloth_slo'), [sentinel('slo')], `${where}: sloth_slo=~"$slo"`);
          continue;
        }
        const jobs = s.matchers.get('job') ?? [];
        const instances = s.matchers.get('instance') ?? [];
        const collector = jobs.includes(collectorJob);
        assert.ok(collector || jobs.includes(sentinel('job')), `${where}: job matcher`);
        assert.ok(
          instances.includes(sentinel(collector ? 'collector' : 'instance')),
          `${where}: instance matcher`,
        );
      }
    }
  }
});

test('target rules: counters appear only inside rate(), irate() or increase()', () => {
  for (const d of DASHBOARDS) {
    for (const q of queriesOf(d)) {
      for (const s of selectors(substitute(q.expr, '1m', sentinel))) {
        if (isCounter(s.name))
          assert.ok(s.inRate, `${q.dashboard} / ${q.panel} ${q.refId}: ${s.name} outside rate()`);
      }
    }
  }
});

test('the lint catches what it is for: a raw counter, a fixed range, a missing instance matcher', () => {
  const [counter] = selectors('sum(errors_total{job=~"__var_job__", instance=~"__var_instance__"})');
  assert.equal(counter!.inRate, false);
  assert.ok(isCounter(counter!.name));
  const [rated] = selectors('rate(errors_total{job=~"x"}[1m])');
  assert.equal(rated!.inRate, true);
  assert.equal(rated!.matchers.get('instance'), undefined);
  assert.deepEqual(
    [...'rate(x[5m])'.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]),
    ['5m'],
  );
  assert.notDeepEqual(checkExpression('rate(active_connections{job="x"}[1m])'), []);
});

test('runbook links name alerts with runbooks; thresholds drawn on a panel are the ones its alert fires at', () => {
  const rules = parse(readFileSync(`${repo}deploy/prometheus/rules/alerts.yml`, 'utf8')) as {
    groups: { rules: { alert?: string; expr: string }[] }[];
  };
  const alerts = new Map(rules.groups.flatMap((g) => g.rules).map((r) => [r.alert, r.expr]));
  let compared = 0;
  for (const d of DASHBOARDS) {
    for (const p of panelsOf(d)) {
      for (const link of p.links ?? []) {
        const alert = /\/(\w+)\.md$/.exec(link.url)?.[1];
        assert.ok(
          alert && alerts.has(alert),
          `${d.title} / ${p.title}: runbook link to unknown alert ${link.url}`,
        );
        assert.ok(link.url.startsWith(defaultConfig.runbookBaseUrl), link.url);
        assert.ok(existsSync(`${repo}docs/runbooks/${alert}.md`), `no runbook docs/runbooks/${alert}.md`);
        const steps = p.fieldConfig?.defaults?.thresholds?.steps.filter((s) => s.value !== null) ?? [];
        if (steps.length === 0) continue;
        const expr = alerts.get(alert)!;
        const values = steps.map((s) => s.value);
        assert.ok(
          values.some((v) => new RegExp(`[<>]=?\\s*${String(v).replace('.', '\\.')}(?![\\d.])`).test(expr)),
          `${d.title} / ${p.title}: thresholds ${values.join(', ')} not in ${alert}: ${expr}`,
        );
        compared++;
      }
    }
  }
  assert.ok(compared >= 8, `only ${compared} thresholds compared`);
});

test('the recording rules behind the panels are valid against the catalog', () => {
  const file = parse(readFileSync(`${repo}deploy/prometheus/rules/recording-dashboards.yml`, 'utf8')) as {
    groups: { rules: { record: string; expr: string }[] }[];
  };
  const rules = file.groups.flatMap((g) => g.rules);
  assert.deepEqual(
    [...new Set(rules.map((r) => r.record))].sort(),
    Object.keys(dashboardRecordedLabels(defaultConfig)).sort(),
  );
  for (const rule of rules) {
    assert.deepEqual(checkExpression(rule.expr, { recorded: RECORDED }), [], `${rule.record}: ${rule.expr}`);
  }
});
