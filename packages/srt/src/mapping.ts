import type { SrtCountedField, SrtStats } from './stats.js';

/** The side of a connection a statistic belongs to; `both` is recorded whatever the connection does. */
export type Side = 'send' | 'receive' | 'both';

/** Observed counter metrics fed from libsrt counted fields. */
export type SrtCounterMetric =
  | 'packets_sent_total'
  | 'packets_received_total'
  | 'bytes_sent_total'
  | 'bytes_received_total'
  | 'packets_lost_total'
  | 'srt_packets_retransmitted_total'
  | 'srt_packets_send_lost_total'
  | 'srt_packets_dropped_total'
  | 'srt_packets_undecrypted_total';

export interface CounterMapping {
  readonly metric: SrtCounterMetric;
  readonly field: SrtCountedField;
  readonly side: Side;
  /** Labels besides protocol and stream_name. */
  readonly labels?: { readonly direction: 'send' | 'receive' };
}

/** libsrt counters → catalog counters. Bytes include libsrt's 44 header bytes per packet (IPv4+UDP+SRT). */
export const COUNTERS: readonly CounterMapping[] = [
  { metric: 'packets_sent_total', field: 'pktSent', side: 'send' },
  { metric: 'packets_received_total', field: 'pktRecv', side: 'receive' },
  { metric: 'bytes_sent_total', field: 'byteSent', side: 'send' },
  { metric: 'bytes_received_total', field: 'byteRecv', side: 'receive' },
  { metric: 'packets_lost_total', field: 'pktRcvLoss', side: 'receive' },
  { metric: 'srt_packets_retransmitted_total', field: 'pktRetrans', side: 'send' },
  { metric: 'srt_packets_send_lost_total', field: 'pktSndLoss', side: 'send' },
  { metric: 'srt_packets_dropped_total', field: 'pktSndDrop', side: 'send', labels: { direction: 'send' } },
  {
    metric: 'srt_packets_dropped_total',
    field: 'pktRcvDrop',
    side: 'receive',
    labels: { direction: 'receive' },
  },
  { metric: 'srt_packets_undecrypted_total', field: 'pktRcvUndecrypt', side: 'receive' },
];

/** Observed gauge metrics fed from libsrt instantaneous fields. */
export type SrtGaugeMetric =
  | 'srt_rtt_seconds'
  | 'srt_congestion_window_packets'
  | 'srt_flight_size_packets'
  | 'srt_bandwidth_estimate_mbps'
  | 'srt_rate_mbps'
  | 'srt_buffer_seconds'
  | 'srt_buffer_available_bytes'
  | 'srt_latency_seconds'
  | 'buffer_size';

/**
 * How the connections of one stream combine into its series: quantities that add up (rates, bytes,
 * packets in flight) are summed; times and the link estimate take the worst (largest) connection.
 */
export type Combine = 'sum' | 'max';

export interface GaugeMapping {
  readonly metric: SrtGaugeMetric;
  readonly read: (stats: SrtStats) => number | undefined;
  readonly side: Side;
  readonly combine: Combine;
  readonly labels?:
    { readonly direction: 'send' | 'receive' } | { readonly type: 'srt_send' | 'srt_receive' };
}

const field = (name: keyof SrtStats & string) => (s: SrtStats) => s[name];
const msToSeconds = (name: keyof SrtStats & string) => (s: SrtStats) => {
  const ms = s[name];
  return ms === undefined ? undefined : ms / 1000;
};
const SEND = { direction: 'send' } as const;
const RECEIVE = { direction: 'receive' } as const;

/** libsrt instantaneous fields → catalog gauges (`msRTT` is also sampled into rtt_seconds). */
export const GAUGES: readonly GaugeMapping[] = [
  { metric: 'srt_rtt_seconds', read: msToSeconds('msRTT'), side: 'both', combine: 'max' },
  { metric: 'srt_bandwidth_estimate_mbps', read: field('mbpsBandwidth'), side: 'both', combine: 'max' },
  {
    metric: 'srt_congestion_window_packets',
    read: field('pktCongestionWindow'),
    side: 'send',
    combine: 'sum',
  },
  { metric: 'srt_flight_size_packets', read: field('pktFlightSize'), side: 'send', combine: 'sum' },
  { metric: 'srt_rate_mbps', read: field('mbpsSendRate'), side: 'send', combine: 'sum', labels: SEND },
  { metric: 'srt_rate_mbps', read: field('mbpsRecvRate'), side: 'receive', combine: 'sum', labels: RECEIVE },
  { metric: 'srt_buffer_seconds', read: msToSeconds('msSndBuf'), side: 'send', combine: 'max', labels: SEND },
  {
    metric: 'srt_buffer_seconds',
    read: msToSeconds('msRcvBuf'),
    side: 'receive',
    combine: 'max',
    labels: RECEIVE,
  },
  {
    metric: 'srt_buffer_available_bytes',
    read: field('byteAvailSndBuf'),
    side: 'send',
    combine: 'sum',
    labels: SEND,
  },
  {
    metric: 'srt_buffer_available_bytes',
    read: field('byteAvailRcvBuf'),
    side: 'receive',
    combine: 'sum',
    labels: RECEIVE,
  },
  {
    metric: 'srt_latency_seconds',
    read: msToSeconds('msSndTsbPdDelay'),
    side: 'send',
    combine: 'max',
    labels: SEND,
  },
  {
    metric: 'srt_latency_seconds',
    read: msToSeconds('msRcvTsbPdDelay'),
    side: 'receive',
    combine: 'max',
    labels: RECEIVE,
  },
  {
    metric: 'buffer_size',
    read: field('byteSndBuf'),
    side: 'send',
    combine: 'sum',
    labels: { type: 'srt_send' },
  },
  {
    metric: 'buffer_size',
    read: field('byteRcvBuf'),
    side: 'receive',
    combine: 'sum',
    labels: { type: 'srt_receive' },
  },
];

/** Whether a statistic of `side` belongs to a connection that moves media in `direction`. */
export function appliesTo(side: Side, direction: Side): boolean {
  return side === 'both' || direction === 'both' || side === direction;
}
