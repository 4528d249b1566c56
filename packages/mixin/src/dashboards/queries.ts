import type { MixinConfig } from '../config.js';
import * as promql from '../promql.js';

/** Grafana's range for `rate()`: follows the panel's resolution and is never shorter than 4 scrapes. */
export const RATE_INTERVAL = '$__rate_interval';

/** The dashboard variables every app query is filtered by. */
const APP_VARIABLES = 'job=~"$job", instance=~"$instance"';
/** The variable the Collector's own series are filtered by (the pipeline-health dashboard). */
const COLLECTOR_VARIABLES = 'instance=~"$collector"';

/**
 * PromQL for panels: the mixin's selectors plus the dashboard's variables, `$__rate_interval` for ranges.
 * Built on the shared `promql` helpers so rules, alerts and dashboards select the same series.
 */
export class Queries {
  constructor(readonly config: MixinConfig) {}

  /** `metric{<app selector>, job=~"$job", instance=~"$instance", extra}`. */
  series(metric: string, extra = ''): string {
    return promql.appSeries(this.config, metric, joinMatchers(APP_VARIABLES, extra));
  }

  /** `metric{<collector selector>, instance=~"$collector", extra}`. */
  collector(metric: string, extra = ''): string {
    return promql.collectorSeries(this.config, metric, joinMatchers(COLLECTOR_VARIABLES, extra));
  }

  /** `rate(series[$__rate_interval])`; `series` comes from series() or collector(). */
  rate(series: string): string {
    return promql.rate(this.config, series, RATE_INTERVAL);
  }

  /** `sum by (by) (rate(metric{…}[$__rate_interval]))`. */
  sumRate(by: readonly string[], metric: string, extra = ''): string {
    return promql.sumBy(by, this.rate(this.series(metric, extra)));
  }

  /** Quantile of a catalog histogram over the panel's rate interval, aggregated by `by`. */
  quantile(quantile: number, histogram: string, by: readonly string[], extra = ''): string {
    return `histogram_quantile(${quantile}, ${this.sumRate(['le', ...by], `${histogram}_bucket`, extra)})`;
  }

  /** Quantile of a recorded bucket rate (`…_bucket:rate5m`), aggregated by `by`. */
  recordedQuantile(quantile: number, record: string, by: readonly string[], extra = ''): string {
    return `histogram_quantile(${quantile}, ${promql.sumBy(['le', ...by], this.series(record, extra))})`;
  }
}

function joinMatchers(...parts: string[]): string {
  return parts.filter((p) => p.length > 0).join(', ');
}
