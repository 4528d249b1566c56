import { CATALOG } from '@flux-metrics/core';
import type { MixinConfig } from '../config.js';
import { appSeries, collectorSeries, histogramQuantile, increase, rate, sumBy } from '../promql.js';
import type { AlertingRule } from '../rule-file.js';
import { alertRule, SAME_INSTANCE, worstOf } from './alert.js';

const WHERE = 'on {{ $labels.instance }} (job {{ $labels.job }})';

/** Labels bounded by a count (stream names, routes, configured names): overflow there means the guard engaged. */
const COUNT_BOUNDED_LABELS = [
  ...new Set(
    CATALOG.flatMap((m) => Object.entries(m.labels))
      .filter(([, rule]) => rule.kind === 'stream' || rule.kind === 'route' || rule.kind === 'text')
      .map(([label]) => label),
  ),
].sort();

/** Alerts on the metrics pipeline itself: Collector, app presence, the cardinality guard, export cost, Watchdog. */
export function pipelineAlerts(c: MixinConfig): AlertingRule[] {
  const t = c.alerts.thresholds;
  const by = c.instanceLabels;
  const overflow = `label=~"${COUNT_BOUNDED_LABELS.join('|')}"`;
  return [
    alertRule(c, {
      name: 'CollectorDown',
      severity: 'critical',
      expr: `${collectorSeries(c, 'up')} == 0`,
      summary: 'The OpenTelemetry Collector cannot be scraped.',
      description: `The Collector {{ $labels.instance }} (job {{ $labels.job }}) is down: metrics pushed through it are lost.`,
    }),
    // The pinned Collector (0.165, deploy/docker-compose.yml) exposes its own counters without `_total`.
    alertRule(c, {
      name: 'CollectorRefusingMetrics',
      severity: 'warning',
      expr: `${sumBy([...by, 'receiver'], rate(c, collectorSeries(c, 'otelcol_receiver_refused_metric_points')))} > 0`,
      summary: 'The OpenTelemetry Collector refuses metrics.',
      description: `Receiver {{ $labels.receiver }} of the Collector ${WHERE} refuses {{ $value | humanize }} metric points/s (memory_limiter or a bad request).`,
    }),
    alertRule(c, {
      name: 'CollectorExportFailing',
      severity: 'warning',
      expr: `${sumBy([...by, 'exporter'], rate(c, collectorSeries(c, 'otelcol_exporter_send_failed_metric_points')))} > 0`,
      summary: 'The OpenTelemetry Collector fails to export metrics.',
      description: `Exporter {{ $labels.exporter }} of the Collector ${WHERE} fails to send {{ $value | humanize }} metric points/s.`,
    }),
    alertRule(c, {
      name: 'AppAbsent',
      severity: 'critical',
      expr: `absent_over_time(${appSeries(c, 'target_info')}[${t.appAbsentFor}])`,
      summary: 'No media server reports metrics.',
      description: `No process matching {${c.selectors.app}} has reported target_info, directly or through the Collector, for ${t.appAbsentFor}.`,
    }),
    alertRule(c, {
      name: 'LabelOverflowRising',
      severity: 'warning',
      expr: `${sumBy(by, increase(c, appSeries(c, 'flux_metrics_label_overflow_total', overflow)))} > 0`,
      summary: 'The cardinality guard is replacing label values.',
      description:
        `{{ $value | humanize }} label values were replaced by the overflow value in the last ${c.rateInterval} ${WHERE}: too many distinct stream names, routes or configured names; ` +
        `by label: ${worstOf(c, `sum by (label) (increase(flux_metrics_label_overflow_total{${overflow}, ${SAME_INSTANCE}}[${c.rateInterval}]))`, 'label', 'humanize')}.`,
    }),
    alertRule(c, {
      name: 'MetricsScrapeSlow',
      severity: 'warning',
      expr: `${histogramQuantile(c, 0.99, 'flux_metrics_scrape_duration_seconds', by)} > ${t.scrapeDurationP99Seconds}`,
      summary: 'Collecting /metrics is slow.',
      description: `P99 of one /metrics collection is {{ $value | humanizeDuration }} ${WHERE}, above ${t.scrapeDurationP99Seconds}s: too many series or a blocked event loop.`,
    }),
    alertRule(c, {
      name: 'Watchdog',
      severity: 'info',
      expr: 'vector(1)',
      summary: 'The alerting pipeline is alive.',
      description:
        'Always firing, on purpose: a dead man’s switch. Route it to a heartbeat receiver that pages when it stops arriving.',
    }),
  ];
}
