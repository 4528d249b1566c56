import { ratio } from '../promql.js';
import type { AlertingRule, RecordingRule, RuleGroup } from '../rule-file.js';
import { WINDOW_PLACEHOLDER, type SlothAlert, type SlothSlo, type SlothSpec } from './sloth-spec.js';
import { BURN_RATE_TIERS, burnFactor, round, sliWindows, type BurnRateTier } from './windows.js';

export interface SloRuleOptions {
  /** SLO period (error budget window) in days. */
  readonly periodDays: number;
  /** One `for` for every tier instead of theirs (the mixin's `fast` profile, end-to-end tests only). */
  readonly alertFor?: string;
  /** `runbook_url` of an alert; undefined leaves the annotation out. */
  readonly runbookUrl?: (alertName: string) => string | undefined;
}

/** What the tier severities become in the `severity` label unless the spec sets one: what Alertmanager routes on. */
const SEVERITY = { page: 'critical', ticket: 'warning' } as const;

/**
 * The Prometheus rule groups of one Sloth spec, named and labelled as Sloth names them (`sloth-slo-sli-recordings-
 * <id>`, `slo:sli_error:ratio_rate5m`, `sloth_id`…), so Sloth's dashboards and queries work on them.
 */
export function sloRuleGroups(spec: SlothSpec, options: SloRuleOptions): RuleGroup[] {
  return spec.slos.flatMap((slo) => {
    const ids = idLabels(spec, slo);
    const labels: IdLabels = { ...spec.labels, ...slo.labels, ...ids };
    const alerts = alertRules(spec, slo, ids, options);
    return [
      { name: `sloth-slo-sli-recordings-${ids.sloth_id}`, rules: sliRules(slo, ids, labels, options) },
      { name: `sloth-slo-meta-recordings-${ids.sloth_id}`, rules: metaRules(slo, ids, labels, options) },
      ...(alerts.length ? [{ name: `sloth-slo-alerts-${ids.sloth_id}`, rules: alerts }] : []),
    ];
  });
}

interface IdLabels {
  readonly sloth_id: string;
  readonly sloth_service: string;
  readonly sloth_slo: string;
  readonly [key: string]: string;
}

function idLabels(spec: SlothSpec, slo: SlothSlo): IdLabels {
  return { sloth_id: `${spec.service}-${slo.name}`, sloth_service: spec.service, sloth_slo: slo.name };
}

function selector(ids: IdLabels): string {
  return `{sloth_id="${ids.sloth_id}", sloth_service="${ids.sloth_service}", sloth_slo="${ids.sloth_slo}"}`;
}

/** The error ratio over one window. Events SLIs divide by `total > 0`: no traffic is no sample, not NaN or +Inf. */
export function errorRatioQuery(slo: SlothSlo, window: string): string {
  const fill = (query: string) => query.trim().replace(WINDOW_PLACEHOLDER, window);
  if ('raw' in slo.sli) return `(${fill(slo.sli.raw.error_ratio_query)})`;
  const { error_query, total_query } = slo.sli.events;
  return ratio(fill(error_query), `(${fill(total_query)})`);
}

function sliRules(slo: SlothSlo, ids: IdLabels, labels: IdLabels, options: SloRuleOptions): RecordingRule[] {
  const windowed = sliWindows().map((window) => ({
    record: `slo:sli_error:ratio_rate${window}`,
    expr: errorRatioQuery(slo, window),
    labels: { ...labels, sloth_window: window },
  }));
  // The period ratio is the mean of the 5m ratios (Sloth's optimised form): cheap, and windows without traffic
  // (no 5m sample) neither count nor divide by zero.
  const period = `${options.periodDays}d`;
  const shortest = `slo:sli_error:ratio_rate${sliWindows()[0]}${selector(ids)}`;
  return [
    ...windowed,
    {
      record: `slo:sli_error:ratio_rate${period}`,
      expr: `sum_over_time(${shortest}[${period}])\n/ ignoring (sloth_window)\ncount_over_time(${shortest}[${period}])`,
      labels: { ...labels, sloth_window: period },
    },
  ];
}

function metaRules(slo: SlothSlo, ids: IdLabels, labels: IdLabels, options: SloRuleOptions): RecordingRule[] {
  const objective = round(slo.objective / 100);
  const sel = selector(ids);
  const byBudget = (sli: string) =>
    `${sli}${sel}\n/ on (sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${sel}`;
  const rules: RecordingRule[] = [
    { record: 'slo:objective:ratio', expr: `vector(${objective})`, labels },
    { record: 'slo:error_budget:ratio', expr: `vector(${round(1 - objective)})`, labels },
    { record: 'slo:time_period:days', expr: `vector(${options.periodDays})`, labels },
    {
      record: 'slo:current_burn_rate:ratio',
      expr: byBudget(`slo:sli_error:ratio_rate${sliWindows()[0]}`),
      labels,
    },
    {
      record: 'slo:period_burn_rate:ratio',
      expr: byBudget(`slo:sli_error:ratio_rate${options.periodDays}d`),
      labels,
    },
    {
      record: 'slo:period_error_budget_remaining:ratio',
      expr: `1 - slo:period_burn_rate:ratio${sel}`,
      labels,
    },
    {
      record: 'sloth_slo_info',
      expr: 'vector(1)',
      labels: {
        ...labels,
        sloth_mode: 'cli-gen-prom',
        sloth_objective: String(slo.objective),
        sloth_spec: 'prometheus/v1',
        sloth_version: 'flux-mixin',
      },
    },
  ];
  // Own label objects per rule: a shared one would be written as YAML anchors and aliases.
  return rules.map((rule) => ({ ...rule, labels: { ...rule.labels } }));
}

function alertRules(spec: SlothSpec, slo: SlothSlo, ids: IdLabels, options: SloRuleOptions): AlertingRule[] {
  const { alerting } = slo;
  const name = alerting.name;
  if (name === undefined) return [];
  const budget = round(1 - round(slo.objective / 100));
  return BURN_RATE_TIERS.flatMap((tier) => {
    const tierSpec: SlothAlert =
      (tier.severity === 'page' ? alerting.page_alert : alerting.ticket_alert) ?? {};
    if (tierSpec.disable) return [];
    const factor = burnFactor(tier, options.periodDays);
    const threshold = round(factor * budget);
    const above = (window: string) =>
      `max(slo:sli_error:ratio_rate${window}${selector(ids)} > ${threshold}) without (sloth_window)`;
    const runbook = options.runbookUrl?.(name);
    return [
      {
        alert: name,
        expr: `${above(tier.short)}\nand\n${above(tier.long)}`,
        for: options.alertFor ?? tier.for,
        labels: {
          severity: SEVERITY[tier.severity],
          ...spec.labels,
          ...slo.labels,
          ...alerting.labels,
          ...tierSpec.labels,
          ...ids,
          sloth_severity: tier.severity,
          long: tier.long,
          short: tier.short,
        },
        annotations: {
          summary: `${describe(slo)}: the error budget is burning too fast.`,
          description: tierDescription(slo, tier, factor, options.periodDays),
          title: `(${tier.severity}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`,
          ...(runbook ? { runbook_url: runbook } : {}),
          ...alerting.annotations,
          ...tierSpec.annotations,
        },
      },
    ];
  });
}

function describe(slo: SlothSlo): string {
  const text = slo.description ?? `SLO ${slo.name}`;
  return text.charAt(0).toUpperCase() + text.slice(1).replace(/\.$/, '');
}

function tierDescription(slo: SlothSlo, tier: BurnRateTier, factor: number, periodDays: number): string {
  const exhausted = Math.round((periodDays / factor) * 10) / 10;
  const budget = `${round(100 - slo.objective)} %`;
  return (
    `{{ $labels.sloth_service }} {{ $labels.sloth_slo }}: {{ $value | humanizePercentage }} of events failed ` +
    `the SLO over the last ${tier.short}, and more than ${factor}× the ${budget} error budget over ${tier.long}. ` +
    `At ${factor}× the ${periodDays}-day budget is gone in ${exhausted} days; ` +
    `this tier fires once ${round(tier.budgetConsumed * 100)} % of it went in ${tier.long}.`
  );
}
