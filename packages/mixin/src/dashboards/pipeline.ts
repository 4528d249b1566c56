import * as units from '@grafana/grafana-foundation-sdk/units';
import type { DashboardContext, DashboardSpec } from './frame.js';
import { timeseries } from './panels.js';
import { above } from './thresholds.js';

/**
 * Health of the metrics pipeline itself: flux-metrics' own exporter (collection time, series, bounded labels,
 * dropped measurements) and, on the Collector path, the OpenTelemetry Collector's receiver, processors,
 * exporters and queue. Collector series are named as Collector 0.165 exposes them (counters without `_total`).
 */
export function pipelineDashboard(ctx: DashboardContext): DashboardSpec {
  const { q, levels } = ctx;
  const col = (metric: string, extra = '') => q.collector(metric, extra);
  const colRate = (by: string, metric: string) => `sum by (${by}) (${q.rate(col(metric))})`;
  return {
    key: 'pipeline',
    title: 'Pipeline health',
    description:
      'Is the monitoring itself healthy? flux-metrics self-metrics and the OpenTelemetry Collector between the apps and Prometheus.',
    variables: ['collector'],
    rows: [
      {
        title: 'flux-metrics exporter',
        panels: [
          timeseries({
            title: 'Collection time P99',
            description: `P99 time to collect and serialize one /metrics scrape in the app. Dashed line: the ${levels.scrapeDuration.alert} alert threshold (the design's "export latency < 100 ms").`,
            unit: units.Seconds,
            targets: [
              {
                expr: q.quantile(0.99, 'flux_metrics_scrape_duration_seconds', ['instance']),
                legend: '{{instance}}',
              },
            ],
            thresholds: above(levels.scrapeDuration.value),
            width: 8,
            links: [ctx.runbook(levels.scrapeDuration)],
          }),
          timeseries({
            title: 'Samples per scrape',
            description:
              'Samples in the most recent /metrics scrape: growth means new label values (streams, routes).',
            unit: units.Short,
            targets: [
              { expr: `max by (instance) (${q.series('flux_metrics_series')})`, legend: '{{instance}}' },
            ],
            width: 8,
          }),
          timeseries({
            title: 'Scrape duration (Prometheus)',
            description:
              "How long Prometheus' scrapes of the app's /metrics take, network included; near the scrape timeout scrapes fail. Empty on the Collector path, where Prometheus scrapes the Collector instead.",
            unit: units.Seconds,
            targets: [
              { expr: `max by (instance) (${q.series('scrape_duration_seconds')})`, legend: '{{instance}}' },
            ],
            width: 8,
          }),
          timeseries({
            title: 'Label overflow',
            description:
              'Label values replaced by a bounded fallback per second (unknown enum value, too many stream names or routes), by metric and label.',
            unit: units.OpsPerSecond,
            targets: [
              {
                expr: q.sumRate(['metric', 'label'], 'flux_metrics_label_overflow_total'),
                legend: '{{metric}} {{label}}',
              },
            ],
            width: 12,
            links: [ctx.runbook('LabelOverflowRising')],
          }),
          timeseries({
            title: 'Invalid measurements',
            description:
              'Measurements dropped per second because the value was invalid (NaN, infinite, negative counter increment, not a number), by metric and reason. No series means none were ever dropped.',
            unit: units.OpsPerSecond,
            targets: [
              {
                expr: q.sumRate(['metric', 'reason'], 'flux_metrics_invalid_measurements_total'),
                legend: '{{metric}} {{reason}}',
              },
            ],
            width: 12,
          }),
        ],
      },
      {
        title: 'OpenTelemetry Collector',
        panels: [
          timeseries({
            title: 'Collector up',
            description: "Whether Prometheus can scrape each Collector's own telemetry (1 = up).",
            unit: units.NoUnit,
            targets: [{ expr: `min by (instance) (${col('up')})`, legend: '{{instance}}' }],
            min: 0,
            max: 1,
            width: 6,
            links: [ctx.runbook('CollectorDown')],
          }),
          timeseries({
            title: 'Receiver metric points',
            description:
              'Metric points per second the receivers accepted, refused (memory limiter pushing back: apps retry) and failed to process.',
            unit: units.OpsPerSecond,
            targets: [
              {
                expr: colRate('receiver', 'otelcol_receiver_accepted_metric_points'),
                legend: 'accepted {{receiver}}',
              },
              {
                expr: colRate('receiver', 'otelcol_receiver_refused_metric_points'),
                legend: 'refused {{receiver}}',
              },
              {
                expr: colRate('receiver', 'otelcol_receiver_failed_metric_points'),
                legend: 'failed {{receiver}}',
              },
            ],
            width: 9,
            links: [ctx.runbook('CollectorRefusingMetrics')],
          }),
          timeseries({
            title: 'Exporter metric points',
            description:
              'Metric points per second each exporter sent and failed to send (0 while the failure counter does not exist yet).',
            unit: units.OpsPerSecond,
            targets: [
              {
                expr: colRate('exporter', 'otelcol_exporter_sent_metric_points'),
                legend: 'sent {{exporter}}',
              },
              {
                // The failure counter appears with the first failure: read 0 until then.
                expr: `${colRate('exporter', 'otelcol_exporter_send_failed_metric_points')}\nor\n${colRate('exporter', 'otelcol_exporter_sent_metric_points')} * 0`,
                legend: 'failed {{exporter}}',
              },
            ],
            width: 9,
            links: [ctx.runbook('CollectorExportFailing')],
          }),
          timeseries({
            title: 'Exporter queue fill',
            description:
              'Batches waiting in each queued exporter (remote write) over the queue capacity. Near 100 % the store is too slow or down and the oldest data is about to be dropped.',
            unit: units.PercentUnit,
            targets: [
              {
                expr: `max by (exporter) (${col('otelcol_exporter_queue_size')})\n/ on (exporter)\n(max by (exporter) (${col('otelcol_exporter_queue_capacity')}) > 0)`,
                legend: '{{exporter}}',
              },
            ],
            thresholds: above(0.8),
            min: 0,
            max: 1,
            width: 6,
          }),
          timeseries({
            title: 'Processor items in and out',
            description:
              'Items per second entering and leaving each processor: out below in means the processor drops or refuses data.',
            unit: units.OpsPerSecond,
            targets: [
              { expr: colRate('processor', 'otelcol_processor_incoming_items'), legend: 'in {{processor}}' },
              { expr: colRate('processor', 'otelcol_processor_outgoing_items'), legend: 'out {{processor}}' },
            ],
            width: 6,
          }),
          timeseries({
            title: 'Collector memory',
            description:
              'Resident memory of each Collector process; the memory limiter refuses data near its limit.',
            unit: units.BytesIEC,
            targets: [
              { expr: `max by (instance) (${col('otelcol_process_memory_rss')})`, legend: '{{instance}}' },
            ],
            width: 6,
          }),
          timeseries({
            title: 'Collector CPU',
            description: 'CPU cores each Collector process uses.',
            unit: units.Short,
            targets: [
              {
                expr: `sum by (instance) (${q.rate(col('otelcol_process_cpu_seconds'))})`,
                legend: '{{instance}}',
              },
            ],
            width: 6,
          }),
        ],
      },
    ],
  };
}
