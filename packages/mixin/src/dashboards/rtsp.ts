import * as units from '@grafana/grafana-foundation-sdk/units';
import type { DashboardContext, DashboardSpec } from './frame.js';
import { histogramHeatmap, timeseries } from './panels.js';
import { above } from './thresholds.js';

/** Design dashboard 2: RTSP connections, streams, request latency, errors, bandwidth, session durations. */
export function rtspDashboard(ctx: DashboardContext): DashboardSpec {
  const { q, levels } = ctx;
  const rtsp = 'protocol="rtsp"';
  const stream = `${rtsp}, stream_name=~"$stream_name"`;
  return {
    key: 'rtsp',
    title: 'RTSP',
    description: 'RTSP server: connections, streams, request latency and errors, media bandwidth and loss.',
    variables: ['rtspStream'],
    rows: [
      {
        title: 'Connections and streams',
        panels: [
          timeseries({
            title: 'Connections',
            description: 'RTSP client connections open now (TCP control connections).',
            links: [ctx.runbook('ConnectionSpike')],
            unit: units.NoUnit,
            targets: [{ expr: `sum(${q.series('active_connections', rtsp)})`, legend: 'open' }],
            width: 8,
          }),
          timeseries({
            title: 'Connection churn',
            description: 'RTSP connections accepted and closed per second.',
            unit: units.OpsPerSecond,
            targets: [
              { expr: q.sumRate([], 'connections_opened_total', rtsp), legend: 'opened' },
              { expr: q.sumRate([], 'connections_closed_total', rtsp), legend: 'closed' },
            ],
            width: 8,
          }),
          timeseries({
            title: 'Streams',
            description: 'RTSP sessions playing or recording now.',
            unit: units.NoUnit,
            targets: [{ expr: `sum(${q.series('active_streams', rtsp)})`, legend: 'active' }],
            width: 8,
          }),
          timeseries({
            title: 'Stream stops by reason',
            description:
              'RTSP sessions ended per second, by reason; "error" stops feed the StreamAbnormalTermination alert.',
            unit: units.OpsPerSecond,
            targets: [{ expr: q.sumRate(['reason'], 'stream_stopped_total', stream), legend: '{{reason}}' }],
            width: 12,
            links: [ctx.runbook('StreamAbnormalTermination')],
          }),
          histogramHeatmap({
            title: 'Session duration',
            description:
              'How long RTSP sessions lasted (SETUP to teardown or close), counted when they end: each column is one interval, each cell the sessions ending in that duration bucket.',
            unit: units.Seconds,
            targets: [
              {
                expr: `sum by (le) (increase(${q.series('rtsp_session_duration_seconds_bucket')}[$__rate_interval]))`,
              },
            ],
            width: 12,
          }),
        ],
      },
      {
        title: 'Requests',
        panels: [
          timeseries({
            title: 'Request latency P99',
            description: 'P99 time to answer RTSP requests, by method.',
            unit: units.Seconds,
            targets: [
              { expr: q.quantile(0.99, 'rtsp_request_duration_seconds', ['method']), legend: '{{method}}' },
            ],
            width: 6,
          }),
          timeseries({
            title: 'Session setup and stream start P99',
            description: `P99 time from accepting a connection to its first successful SETUP, and from PLAY/RECORD to the first media packet. Dashed line: the connection-setup objective, where ${levels.rtspSetup.alert} fires.`,
            unit: units.Seconds,
            targets: [
              { expr: q.quantile(0.99, 'connection_setup_duration_seconds', [], rtsp), legend: 'setup' },
              { expr: q.quantile(0.99, 'stream_start_duration_seconds', [], rtsp), legend: 'stream start' },
            ],
            thresholds: above(levels.rtspSetup.value),
            width: 6,
            links: [ctx.runbook(levels.rtspSetup)],
          }),
          timeseries({
            title: 'Error rate',
            description:
              'RTSP responses with a 4xx or 5xx status per second by status (e.g. 404 unknown stream, 461 unsupported transport), and errors counted by the RTSP component by type.',
            unit: units.CountsPerSecond,
            targets: [
              {
                expr: q.sumRate(['status'], 'rtsp_requests_total', 'status=~"[45].."'),
                legend: 'status {{status}}',
              },
              { expr: q.sumRate(['type'], 'errors_total', 'component="rtsp"'), legend: '{{type}}' },
            ],
            width: 6,
          }),
          timeseries({
            title: 'Server error ratio',
            description: `Share of RTSP requests answered with a 5xx status (recording rule, ${ctx.config.rateInterval} rate). Dashed line: the ${levels.rtspServerErrors.alert} alert threshold.`,
            unit: units.PercentUnit,
            targets: [
              {
                expr: `sum(${q.series(ctx.records.serverErrors, 'protocol="rtsp"')})\n/\n(sum(${q.series(ctx.records.requests, 'protocol="rtsp"')}) > 0)`,
                legend: '5xx share',
              },
            ],
            thresholds: above(levels.rtspServerErrors.value),
            min: 0,
            width: 6,
            links: [ctx.runbook(levels.rtspServerErrors)],
          }),
        ],
      },
      {
        title: 'Media',
        panels: [
          timeseries({
            title: 'Bandwidth',
            description: 'Media bitrate received from publishers (in) and sent to players (out), by stream.',
            unit: units.BitsPerSecondSI,
            targets: [
              {
                expr: `${q.sumRate(['stream_name'], 'bytes_received_total', stream)} * 8`,
                legend: 'in {{stream_name}}',
              },
              {
                expr: `${q.sumRate(['stream_name'], 'bytes_sent_total', stream)} * 8`,
                legend: 'out {{stream_name}}',
              },
            ],
            width: 12,
          }),
          timeseries({
            title: 'Packet loss',
            description:
              'Share of the RTP packets sent to players that they report lost in RTCP receiver reports, by stream.',
            unit: units.PercentUnit,
            targets: [
              {
                expr: `${q.sumRate(['stream_name'], 'packets_lost_total', stream)}\n/\n(${q.sumRate(['stream_name'], 'packets_sent_total', stream)} > 0)`,
                legend: '{{stream_name}}',
              },
            ],
            min: 0,
            width: 6,
          }),
          timeseries({
            title: 'RTP jitter',
            description: 'Interarrival jitter from the latest RTCP receiver report, by stream.',
            unit: units.Seconds,
            targets: [
              {
                expr: `max by (stream_name) (${q.series('rtsp_rtp_jitter_seconds', 'stream_name=~"$stream_name"')})`,
                legend: '{{stream_name}}',
              },
            ],
            width: 6,
          }),
        ],
      },
    ],
  };
}
