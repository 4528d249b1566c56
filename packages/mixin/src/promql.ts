import type { MixinConfig } from './config.js';

/**
 * The PromQL helpers every generated rule and dashboard uses, so selectors, rate windows and ratio guards are
 * written once.
 */

/** `metric{<app selector>, extra…}`. */
export function appSeries(config: MixinConfig, metric: string, extra = ''): string {
  return `${metric}{${joinMatchers(config.selectors.app, extra)}}`;
}

/** `metric{<collector selector>, extra…}`. */
export function collectorSeries(config: MixinConfig, metric: string, extra = ''): string {
  return `${metric}{${joinMatchers(config.selectors.collector, extra)}}`;
}

/** `rate(<series>[<interval>])`; the interval defaults to the config's rate interval. */
export function rate(config: MixinConfig, series: string, interval = config.rateInterval): string {
  return `rate(${series}[${interval}])`;
}

/** `increase(<series>[<interval>])`. */
export function increase(config: MixinConfig, series: string, interval = config.rateInterval): string {
  return `increase(${series}[${interval}])`;
}

/** `sum by (labels) (expr)`; with no labels, `sum(expr)`. */
export function sumBy(labels: readonly string[], expr: string): string {
  return labels.length ? `sum by (${labels.join(', ')}) (${expr})` : `sum(${expr})`;
}

/**
 * `(a or vector(0)) + (b or vector(0))`: label-less sums where a missing one counts as 0. A plain `a + b` is
 * empty when either side has no series (no 5xx yet, an SRT-only server), and one selector over several metric
 * names fails once two of them share a label set after `rate()` drops the names.
 */
export function addSums(sums: readonly string[]): string {
  return sums.map((sum) => `(${sum} or vector(0))`).join(' + ');
}

/**
 * `numerator / (denominator > 0)`: an empty result instead of NaN or +Inf when there is no traffic, so
 * alerts stay quiet and graphs show a gap rather than a spike.
 */
export function ratio(numerator: string, denominator: string): string {
  return `(${numerator})\n/\n(${denominator} > 0)`;
}

/** `histogram_quantile(q, sum by (le, labels) (rate(metric_bucket{…}[interval])))`. */
export function histogramQuantile(
  config: MixinConfig,
  quantile: number,
  metric: string,
  by: readonly string[],
  extra = '',
): string {
  return `histogram_quantile(${quantile}, ${sumBy(['le', ...by], rate(config, appSeries(config, `${metric}_bucket`, extra)))})`;
}

/**
 * A matcher for a histogram bucket boundary that matches both the Prometheus 3 form (`le="0.1"`, `le="1.0"`)
 * and the form older exporters and Prometheus 2 stored (`le="1"`): Prometheus 3 normalises `le` of classic
 * histograms to float strings.
 */
export function leMatcher(boundarySeconds: number): string {
  const text = String(boundarySeconds);
  const alternatives = Number.isInteger(boundarySeconds) ? [text, `${text}.0`] : [text];
  return alternatives.length === 1
    ? `le="${text}"`
    : `le=~"${alternatives.join('|').replaceAll('.', '\\\\.')}"`;
}

function joinMatchers(...parts: string[]): string {
  return parts.filter((p) => p.length > 0).join(', ');
}
