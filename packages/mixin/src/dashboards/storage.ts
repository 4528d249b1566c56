import * as units from '@grafana/grafana-foundation-sdk/units';
import type { DashboardContext, DashboardSpec } from './frame.js';
import { gauge, stat, timeseries } from './panels.js';
import { above } from './thresholds.js';

/** Design dashboard 4: disk usage, write and read rates, I/O latency, snapshots and recordings. */
export function storageDashboard(ctx: DashboardContext): DashboardSpec {
  const { q, levels } = ctx;
  const perMinute = (metric: string) => `${q.sumRate(['volume'], metric)} * 60`;
  return {
    key: 'storage',
    title: 'Storage',
    description:
      'Recording storage: disk capacity, write and read rates, I/O latency, segments and snapshots.',
    variables: [],
    rows: [
      {
        title: 'Capacity',
        panels: [
          gauge({
            title: 'Disk usage',
            description: `Used share of each filesystem holding a configured path, as df computes it. Red from the ${levels.disk.alert} threshold.`,
            unit: units.PercentUnit,
            targets: [{ expr: `max by (path) (${q.series('disk_usage_ratio')})`, legend: '{{path}}' }],
            thresholds: above(levels.disk.value),
            min: 0,
            max: 1,
            width: 8,
            links: [ctx.runbook(levels.disk)],
          }),
          stat({
            title: 'Disk free',
            description:
              'Bytes available to unprivileged users on each filesystem holding a configured path.',
            unit: units.BytesIEC,
            targets: [{ expr: `min by (path) (${q.series('disk_free_bytes')})`, legend: '{{path}}' }],
            width: 8,
            links: [ctx.runbook('RecordingVolumeFillingUp')],
          }),
          timeseries({
            title: 'Disk usage over time',
            description: `Used share of each filesystem; the dashed line is the ${levels.disk.alert} threshold.`,
            unit: units.PercentUnit,
            targets: [{ expr: `max by (path) (${q.series('disk_usage_ratio')})`, legend: '{{path}}' }],
            thresholds: above(levels.disk.value),
            min: 0,
            max: 1,
            width: 8,
          }),
        ],
      },
      {
        title: 'Throughput and latency',
        panels: [
          timeseries({
            title: 'Write rate',
            description: 'Bytes written to recording storage per second, by volume.',
            unit: units.BytesPerSecondSI,
            targets: [{ expr: q.sumRate(['volume'], 'storage_written_bytes_total'), legend: '{{volume}}' }],
            width: 8,
          }),
          timeseries({
            title: 'Read rate',
            description: 'Bytes read from recording storage per second (playback, downloads), by volume.',
            unit: units.BytesPerSecondSI,
            targets: [{ expr: q.sumRate(['volume'], 'storage_read_bytes_total'), legend: '{{volume}}' }],
            width: 8,
          }),
          timeseries({
            title: 'I/O latency P99',
            description:
              'P99 latency of storage operations by operation; reads and writes are timed 1 in N, so this is a sample.',
            unit: units.Seconds,
            targets: [
              {
                expr: q.quantile(0.99, 'storage_io_duration_seconds', ['operation']),
                legend: '{{operation}}',
              },
            ],
            width: 8,
          }),
          timeseries({
            title: 'Host disk I/O',
            description: 'Bytes read from and written to the host block devices per second (all processes).',
            unit: units.BytesPerSecondSI,
            targets: [
              {
                expr: q.sumRate(['device', 'direction'], 'disk_io_bytes_total'),
                legend: '{{device}} {{direction}}',
              },
            ],
            width: 24,
          }),
        ],
      },
      {
        title: 'Recordings and snapshots',
        panels: [
          timeseries({
            title: 'Snapshots',
            description: 'Snapshots (still images) written per minute, by volume.',
            unit: units.CountsPerMinute,
            targets: [{ expr: perMinute('snapshots_total'), legend: '{{volume}}' }],
            width: 12,
          }),
          timeseries({
            title: 'Recording segments',
            description:
              'Recording segments opened and completed per minute, and files deleted by retention. Opened without completed means recordings fail to close.',
            unit: units.CountsPerMinute,
            targets: [
              { expr: perMinute('recording_segments_opened_total'), legend: 'opened {{volume}}' },
              { expr: perMinute('recording_segments_completed_total'), legend: 'completed {{volume}}' },
              { expr: perMinute('recording_retention_deletions_total'), legend: 'deleted {{volume}}' },
            ],
            width: 12,
          }),
        ],
      },
    ],
  };
}
