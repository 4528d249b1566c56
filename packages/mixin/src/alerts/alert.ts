import type { MixinConfig } from '../config.js';
import type { AlertingRule } from '../rule-file.js';
import type { AlertName } from './config.js';

export type Severity = 'critical' | 'warning' | 'info';

/** One alert as the generators write it; conventions (labels, runbook, `for`) are added by {@link alertRule}. */
export interface AlertSpec {
  readonly name: AlertName;
  readonly severity: Severity;
  readonly expr: string;
  /** Static, capitalised, ends with a period: groups well in notifications. */
  readonly summary: string;
  /** Templated: humanized values and the labels that locate the problem. */
  readonly description: string;
}

/**
 * The rule for one alert, following the monitoring-mixin conventions: `severity` label, static `summary`,
 * templated `description`, `runbook_url` to docs/runbooks/<AlertName>.md, and the profile's `for`.
 */
export function alertRule(config: MixinConfig, spec: AlertSpec): AlertingRule {
  if (!/^[A-Z].*\.$/.test(spec.summary))
    throw new Error(`${spec.name}: summary must start capitalised and end with a period`);
  const alerts = config.alerts;
  const production = alerts.for[spec.name];
  const wait = alerts.profile === 'fast' && production !== '0m' ? alerts.fastFor : production;
  return {
    alert: spec.name,
    expr: spec.expr,
    ...(wait === '0m' ? {} : { for: wait }),
    labels: { severity: spec.severity },
    annotations: {
      summary: spec.summary,
      description: spec.description,
      runbook_url: `${config.runbookBaseUrl}${spec.name}.md`,
    },
  };
}

/**
 * A description fragment naming the worst entries of `query` (a PromQL expression returning one series per
 * stream, volume …), e.g. "cam1 12%, cam2 9%". Alert templates run the query when the alert is evaluated.
 */
export function worstOf(
  config: MixinConfig,
  query: string,
  label: string,
  format: 'humanizePercentage' | 'humanize' | 'humanizeDuration',
): string {
  const top = `topk(${config.alerts.worstShown}, ${query})`;
  return (
    `{{ range $i, $s := query (printf ${JSON.stringify(top)} $labels.job $labels.instance) }}` +
    `{{ if $i }}, {{ end }}{{ $s.Labels.${label} }} {{ $s.Value | ${format} }}{{ end }}`
  );
}

/** `job="%s", instance="%s"` with printf verbs, for queries inside {@link worstOf}. */
export const SAME_INSTANCE = 'job=%q, instance=%q';
