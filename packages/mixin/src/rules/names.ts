import { SLO_RECORDED_LABELS } from '../slo/recorded.js';

/**
 * Series written by the mixin's recording rules, with the labels each keeps: alerts and dashboards read them,
 * checkExpression accepts them.
 */
export const RECORDED = {
  /** HTTP plus RTSP requests per second of one process. */
  requests: 'instance:flux_requests:rate',
  /** Lost share of SRT packets per stream: receiver loss / received, or sender loss / sent. */
  srtStreamLoss: 'instance_stream:srt_packet_loss:ratio',
} as const;

export const RECORDED_LABELS: Readonly<Record<string, readonly string[]>> = {
  [RECORDED.requests]: ['job', 'instance'],
  [RECORDED.srtStreamLoss]: ['job', 'instance', 'stream_name'],
  ...SLO_RECORDED_LABELS,
};
