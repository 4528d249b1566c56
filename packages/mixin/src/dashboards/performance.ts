import * as units from '@grafana/grafana-foundation-sdk/units';
import type { DashboardContext, DashboardSpec } from './frame.js';
import { table, timeseries, type Target } from './panels.js';
import { above } from './thresholds.js';

const QUANTILES = [0.5, 0.9, 0.99] as const;

/** Design dashboard 5: latency percentiles, top-N slow requests and errors, resource and concurrency trends. */
export function performanceDashboard(ctx: DashboardContext): DashboardSpec {
  const { q, records: r, levels } = ctx;
  const n = ctx.config.dashboards.topN;
  const proto = 'protocol=~"$protocol"';
  const percentiles = (record: string): Target[] =>
    QUANTILES.map((quantile) => ({
      expr: q.recordedQuantile(quantile, record, []),
      legend: `P${quantile * 100}`,
    }));
  return {
    key: 'performance',
    title: 'Performance analysis',
    description:
      'Where time and errors go: request latency percentiles, the slowest routes and most frequent errors, resource and concurrency trends.',
    variables: ['protocol'],
    rows: [
      {
        title: 'Request latency',
        panels: [
          timeseries({
            title: 'HTTP request latency P50 / P90 / P99',
            description: `Latency percentiles of the HTTP API over all routes (recording rule, ${ctx.config.rateInterval} rate). Dashed line: the ${levels.latency.alert} alert threshold on P99.`,
            unit: units.Seconds,
            targets: percentiles(r.httpLatencyBuckets),
            thresholds: above(levels.latency.value),
            width: 12,
            links: [ctx.runbook(levels.latency)],
          }),
          timeseries({
            title: 'RTSP request latency P50 / P90 / P99',
            description: `Latency percentiles of RTSP requests over all methods (recording rule, ${ctx.config.rateInterval} rate).`,
            unit: units.Seconds,
            targets: percentiles(r.rtspLatencyBuckets),
            width: 12,
          }),
        ],
      },
      {
        title: `Top ${n}`,
        panels: [
          table({
            title: `Top ${n} slow requests`,
            description: `The ${n} slowest request kinds by P99 latency over the last ${ctx.config.rateInterval}: HTTP by method and route, RTSP by method.`,
            unit: units.Seconds,
            valueTitles: ['P99'],
            targets: [
              { expr: `topk(${n}, max by (protocol, method, path) (${q.series(r.routeP99, proto)}))` },
            ],
            thresholds: above(levels.latency.value),
            width: 8,
            height: 10,
          }),
          table({
            title: `Top ${n} errors`,
            description: `The ${n} most frequent errors by type and component, per second over the last ${ctx.config.rateInterval}.`,
            unit: units.CountsPerSecond,
            valueTitles: ['errors/s'],
            targets: [{ expr: `topk(${n}, sum by (component, type) (${q.series(r.errors)}))` }],
            width: 8,
            height: 10,
          }),
          table({
            title: `Top ${n} failing requests`,
            description: `The ${n} most frequent 4xx/5xx responses by protocol, method and status, per second over the last ${ctx.config.rateInterval}.`,
            unit: units.RequestsPerSecond,
            valueTitles: ['responses/s'],
            targets: [
              {
                expr: `topk(${n}, sum by (protocol, method, status) (${q.series(r.failedRequests, proto)}))`,
              },
            ],
            width: 8,
            height: 10,
          }),
        ],
      },
      {
        title: 'Resources and concurrency',
        panels: [
          timeseries({
            title: 'Resource usage',
            description: `Host CPU, process CPU and host memory in use, busiest selected instance. Dashed line: the ${levels.cpu.alert} threshold.`,
            unit: units.PercentUnit,
            targets: [
              { expr: `max(${q.series('cpu_usage_ratio')})`, legend: 'host CPU' },
              { expr: `max(${q.series('process_cpu_usage_ratio')})`, legend: 'process CPU' },
              {
                expr: `max(max by (job, instance) (${q.series('memory_usage_bytes', 'type="used"')}) / on (job, instance) max by (job, instance) (${q.series('memory_total_bytes')}))`,
                legend: 'host memory',
              },
            ],
            thresholds: above(levels.cpu.value),
            min: 0,
            max: 1,
            width: 12,
          }),
          timeseries({
            title: 'Process memory',
            description:
              'Memory of the media-server processes by type: resident set, V8 heap used and allocated, external (buffers). Types overlap; they are not stacked.',
            unit: units.BytesIEC,
            targets: [
              {
                expr: `sum by (type) (${q.series('memory_usage_bytes', 'type!="used"')})`,
                legend: '{{type}}',
              },
            ],
            width: 12,
          }),
          timeseries({
            title: 'Concurrent connections and streams',
            description: 'Client connections and media sessions open, by protocol.',
            unit: units.NoUnit,
            targets: [
              {
                expr: `sum by (protocol) (${q.series('active_connections', proto)})`,
                legend: 'connections {{protocol}}',
              },
              {
                expr: `sum by (protocol) (${q.series('active_streams', proto)})`,
                legend: 'streams {{protocol}}',
              },
            ],
            width: 12,
          }),
          timeseries({
            title: 'Throughput',
            description: `Requests per second by protocol (recording rule, ${ctx.config.rateInterval} rate).`,
            unit: units.RequestsPerSecond,
            targets: [
              { expr: `sum by (protocol) (${q.series(r.requests, proto)})`, legend: 'requests {{protocol}}' },
            ],
            width: 12,
          }),
        ],
      },
    ],
  };
}
