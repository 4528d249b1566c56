import { RATIO_OBJECTIVES } from '@flux-metrics/core';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { RECORDED } from '../rules/names.js';
import type { DashboardContext, DashboardSpec } from './frame.js';
import { gauge, stat, timeseries } from './panels.js';
import { above, below } from './thresholds.js';

/** Design dashboard 1: overall health, connections, streams, request rate, errors, CPU and memory. */
export function overviewDashboard(ctx: DashboardContext): DashboardSpec {
  const { q, records: r, levels } = ctx;
  const proto = 'protocol=~"$protocol"';
  const successRatio = `1 - (sum(${q.series(r.serverErrors, proto)}) / (sum(${q.series(r.requests, proto)}) > 0))`;
  const hostMemory = `max by (job, instance) (${q.series('memory_usage_bytes', 'type="used"')})\n/ on (job, instance)\nmax by (job, instance) (${q.series('memory_total_bytes')})`;
  return {
    key: 'overview',
    title: 'System overview',
    description: 'Health, traffic and resources of the flux-metrics media servers at a glance.',
    variables: ['protocol'],
    rows: [
      {
        title: 'Health',
        panels: [
          stat({
            title: 'Request success',
            description: `Share of HTTP and RTSP requests answered without a server error (5xx) over the last ${ctx.config.rateInterval}. Red below the availability objective (${RATIO_OBJECTIVES.availability.objective * 100} %).`,
            unit: units.PercentUnit,
            targets: [{ expr: successRatio, legend: 'success' }],
            thresholds: below(RATIO_OBJECTIVES.availability.objective),
            width: 6,
            height: 5,
          }),
          stat({
            title: 'Instances reporting',
            description:
              'Processes whose metrics Prometheus currently has (their target_info series is fresh). Red when none.',
            unit: units.NoUnit,
            targets: [{ expr: `count(${q.series('target_info')})`, legend: 'instances' }],
            thresholds: below(1),
            width: 6,
            height: 5,
          }),
          stat({
            title: 'Active connections',
            description: 'Client connections open now, all protocols selected.',
            unit: units.NoUnit,
            targets: [{ expr: `sum(${q.series('active_connections', proto)})`, legend: 'connections' }],
            width: 6,
            height: 5,
          }),
          stat({
            title: 'Active streams',
            description: 'Media sessions playing or publishing now, all protocols selected.',
            unit: units.NoUnit,
            targets: [{ expr: `sum(${q.series('active_streams', proto)})`, legend: 'streams' }],
            width: 6,
            height: 5,
          }),
        ],
      },
      {
        title: 'Traffic',
        panels: [
          timeseries({
            title: 'Connections by protocol',
            description: 'Client connections open, by protocol.',
            unit: units.NoUnit,
            targets: [
              {
                expr: `sum by (protocol) (${q.series('active_connections', proto)})`,
                legend: '{{protocol}}',
              },
            ],
            width: 12,
          }),
          timeseries({
            title: 'Streams by protocol',
            description: 'Media sessions playing or publishing, by protocol.',
            unit: units.NoUnit,
            targets: [
              { expr: `sum by (protocol) (${q.series('active_streams', proto)})`, legend: '{{protocol}}' },
            ],
            width: 12,
          }),
          timeseries({
            title: 'Request rate (QPS)',
            description: `HTTP API and RTSP requests per second, by protocol (recording rule, ${ctx.config.rateInterval} rate).`,
            unit: units.RequestsPerSecond,
            targets: [{ expr: `sum by (protocol) (${q.series(r.requests, proto)})`, legend: '{{protocol}}' }],
            width: 8,
          }),
          timeseries({
            title: 'Errors',
            description:
              'Errors per second counted by the instrumented components (errors_total), by component.',
            unit: units.CountsPerSecond,
            targets: [{ expr: q.sumRate(['component'], 'errors_total'), legend: '{{component}}' }],
            width: 8,
          }),
          timeseries({
            title: 'Error ratio',
            description: `Errors counted by the components (errors_total) per HTTP or RTSP request, by instance (recording rules, ${ctx.config.rateInterval} rate). The dashed line is the ${levels.errorRatio.alert} alert threshold.`,
            unit: units.PercentUnit,
            targets: [
              {
                expr: `sum by (job, instance) (${q.series(r.errors)})\n/ on (job, instance)\n(${q.series(RECORDED.requests)} > 0)`,
                legend: '{{instance}}',
              },
            ],
            thresholds: above(levels.errorRatio.value),
            min: 0,
            width: 8,
            links: [ctx.runbook(levels.errorRatio)],
          }),
        ],
      },
      {
        title: 'Resources',
        panels: [
          gauge({
            title: 'Host CPU',
            description: `Share of all CPU cores busy on the busiest selected host. Red from the ${levels.cpu.alert} threshold.`,
            unit: units.PercentUnit,
            targets: [{ expr: `max(${q.series('cpu_usage_ratio')})`, legend: 'cpu' }],
            thresholds: above(levels.cpu.value),
            min: 0,
            max: 1,
            width: 6,
            height: 6,
            links: [ctx.runbook(levels.cpu)],
          }),
          gauge({
            title: 'Host memory',
            description: `Memory in use (total minus available) over the host's memory or cgroup limit, busiest selected host. Red from the ${levels.memory.alert} threshold.`,
            unit: units.PercentUnit,
            targets: [{ expr: `max(${hostMemory})`, legend: 'memory' }],
            thresholds: above(levels.memory.value),
            min: 0,
            max: 1,
            width: 6,
            height: 6,
            links: [ctx.runbook(levels.memory)],
          }),
          gauge({
            title: 'Process CPU',
            description: 'Share of all CPU cores used by the busiest selected media-server process.',
            unit: units.PercentUnit,
            targets: [{ expr: `max(${q.series('process_cpu_usage_ratio')})`, legend: 'cpu' }],
            thresholds: above(levels.cpu.value),
            min: 0,
            max: 1,
            width: 6,
            height: 6,
          }),
          stat({
            title: 'Process memory (RSS)',
            description: 'Resident memory of the largest selected media-server process.',
            unit: units.BytesIEC,
            targets: [{ expr: `max(${q.series('memory_usage_bytes', 'type="rss"')})`, legend: 'rss' }],
            width: 6,
            height: 6,
          }),
        ],
      },
    ],
  };
}
