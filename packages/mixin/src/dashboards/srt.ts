import * as units from '@grafana/grafana-foundation-sdk/units';
import { RECORDED } from '../rules/names.js';
import type { DashboardContext, DashboardSpec } from './frame.js';
import { histogramHeatmap, timeseries } from './panels.js';
import { above, objectiveSeconds } from './thresholds.js';

/** Lost share of SRT packets per stream, recorded for the HighSRTPacketLoss alert. */
const SRT_LOSS = RECORDED.srtStreamLoss;

/** Design dashboard 3: SRT connections, loss, retransmission, RTT, bandwidth, congestion window. */
export function srtDashboard(ctx: DashboardContext): DashboardSpec {
  const { q, levels } = ctx;
  const srt = 'protocol="srt"';
  const stream = 'stream_name=~"$stream_name"';
  const perStream = (metric: string, extra = stream) => q.sumRate(['stream_name'], metric, extra);
  const ratio = (numerator: string, denominator: string) => `${numerator}\n/\n(${denominator} > 0)`;
  return {
    key: 'srt',
    title: 'SRT',
    description:
      'SRT ingest and egress: connections, packet loss and retransmission, RTT, bandwidth, congestion.',
    variables: ['srtStream'],
    rows: [
      {
        title: 'Connections',
        panels: [
          timeseries({
            title: 'Connections',
            description: 'SRT connections established now.',
            unit: units.NoUnit,
            targets: [{ expr: `sum(${q.series('active_connections', srt)})`, legend: 'open' }],
            width: 8,
          }),
          timeseries({
            title: 'Failed connections',
            description: 'SRT connection attempts that failed per second, by libsrt reject reason.',
            unit: units.OpsPerSecond,
            targets: [{ expr: q.sumRate(['reason'], 'srt_connections_failed_total'), legend: '{{reason}}' }],
            width: 8,
            links: [ctx.runbook('StreamStartFailures')],
          }),
          timeseries({
            title: 'Handshake P99',
            description: 'P99 time to establish an SRT connection. Dashed line: the SRT handshake objective.',
            unit: units.Seconds,
            targets: [{ expr: q.quantile(0.99, 'srt_handshake_duration_seconds', []), legend: 'P99' }],
            thresholds: above(objectiveSeconds('srt-handshake')),
            width: 8,
          }),
        ],
      },
      {
        title: 'Transport quality',
        panels: [
          timeseries({
            title: 'Packet loss rate',
            description: `Per stream, as the side this server is on sees it: received streams lose packets in the network over packets received (before retransmission repairs them); sent streams lose packets the peer reported over packets sent (recording rule). Dashed line: the ${levels.srtLoss.alert} alert threshold.`,
            unit: units.PercentUnit,
            targets: [
              {
                expr: `max by (stream_name) (${q.series(SRT_LOSS, stream)})`,
                legend: '{{stream_name}}',
              },
            ],
            thresholds: above(levels.srtLoss.value),
            min: 0,
            width: 12,
            links: [ctx.runbook(levels.srtLoss)],
          }),
          timeseries({
            title: 'Retransmission rate',
            description: 'Packets retransmitted over packets sent, by stream (sending side).',
            unit: units.PercentUnit,
            targets: [
              {
                expr: ratio(
                  perStream('srt_packets_retransmitted_total'),
                  perStream('packets_sent_total', `${srt}, ${stream}`),
                ),
                legend: '{{stream_name}}',
              },
            ],
            min: 0,
            width: 12,
          }),
          histogramHeatmap({
            title: 'RTT distribution',
            description:
              'Round-trip time samples of every SRT connection (one per statistics report), per interval.',
            unit: units.Seconds,
            targets: [
              { expr: `sum by (le) (increase(${q.series('rtt_seconds_bucket', srt)}[$__rate_interval]))` },
            ],
            width: 12,
          }),
          timeseries({
            title: 'RTT by stream',
            description: `Smoothed round-trip time now (libsrt msRTT), by stream. Dashed line: the ${levels.srtRtt.alert} alert threshold.`,
            thresholds: above(levels.srtRtt.value),
            links: [ctx.runbook(levels.srtRtt)],
            unit: units.Seconds,
            targets: [
              {
                expr: `max by (stream_name) (${q.series('srt_rtt_seconds', stream)})`,
                legend: '{{stream_name}}',
              },
            ],
            width: 12,
          }),
          timeseries({
            title: 'End-to-end latency P99',
            description:
              'P99 sender-to-player latency of SRT media (TSBPD delay plus half the RTT). Dashed line: the SRT end-to-end objective.',
            unit: units.Seconds,
            targets: [{ expr: q.quantile(0.99, 'packet_latency_seconds', [], srt), legend: 'P99' }],
            thresholds: above(objectiveSeconds('srt-end-to-end-latency')),
            width: 12,
          }),
          timeseries({
            title: 'Dropped packets',
            description:
              'Packets given up as too late per second (what viewers see as glitches), by direction and stream.',
            links: [ctx.runbook('SrtPacketsDropped')],
            unit: units.PacketsPerSecond,
            targets: [
              {
                expr: q.sumRate(['direction', 'stream_name'], 'srt_packets_dropped_total', stream),
                legend: '{{direction}} {{stream_name}}',
              },
            ],
            width: 12,
          }),
        ],
      },
      {
        title: 'Throughput and congestion',
        panels: [
          timeseries({
            title: 'Bandwidth',
            description: 'Media bitrate received and sent, by stream.',
            unit: units.BitsPerSecondSI,
            targets: [
              {
                expr: `${perStream('bytes_received_total', `${srt}, ${stream}`)} * 8`,
                legend: 'in {{stream_name}}',
              },
              {
                expr: `${perStream('bytes_sent_total', `${srt}, ${stream}`)} * 8`,
                legend: 'out {{stream_name}}',
              },
            ],
            width: 6,
          }),
          timeseries({
            title: 'Link capacity estimate',
            description:
              "libsrt's estimate of the link capacity per stream (mbpsBandwidth): noisy, but far above the bitrate when the link has headroom.",
            unit: units.BitsPerSecondSI,
            targets: [
              {
                expr: `max by (stream_name) (${q.series('srt_bandwidth_estimate_mbps', stream)}) * 1e6`,
                legend: '{{stream_name}}',
              },
            ],
            width: 6,
          }),
          timeseries({
            title: 'Congestion window',
            description: 'Congestion window and packets in flight (sent, not yet acknowledged), by stream.',
            unit: units.Short,
            targets: [
              {
                expr: `max by (stream_name) (${q.series('srt_congestion_window_packets', stream)})`,
                legend: 'window {{stream_name}}',
              },
              {
                expr: `max by (stream_name) (${q.series('srt_flight_size_packets', stream)})`,
                legend: 'in flight {{stream_name}}',
              },
            ],
            width: 6,
          }),
          timeseries({
            title: 'Buffer vs latency',
            description:
              'Timespan of data held in the send/receive buffers against the TSBPD latency in force: a buffer near the latency means packets arrive just in time.',
            unit: units.Seconds,
            targets: [
              {
                expr: `max by (direction, stream_name) (${q.series('srt_buffer_seconds', stream)})`,
                legend: 'buffer {{direction}} {{stream_name}}',
              },
              {
                expr: `max by (direction, stream_name) (${q.series('srt_latency_seconds', stream)})`,
                legend: 'latency {{direction}} {{stream_name}}',
              },
            ],
            width: 6,
          }),
        ],
      },
    ],
  };
}
