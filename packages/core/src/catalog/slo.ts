/**
 * The design's latency objectives. A latency SLO is the ratio `bucket{le="T"} / count`, so every threshold
 * here becomes a bucket boundary of its histogram (see `define.ts`). Later SLO rules and dashboards are
 * generated from this list.
 */
export interface LatencyObjective {
  readonly id: string;
  readonly metric: string;
  /** Extra label matchers that select the objective's series, e.g. `{ protocol: 'srt' }`. */
  readonly selector?: Readonly<Record<string, string>>;
  readonly thresholdSeconds: number;
  /** Share of events that must be at or under the threshold. */
  readonly objective: number;
  readonly design: string;
}

export const LATENCY_OBJECTIVES: readonly LatencyObjective[] = [
  {
    id: 'http-request-latency',
    metric: 'http_request_duration_seconds',
    thresholdSeconds: 1,
    objective: 0.99,
    design: 'Availability: response time < 1 s at P99',
  },
  {
    id: 'rtsp-connection-setup',
    metric: 'connection_setup_duration_seconds',
    selector: { protocol: 'rtsp' },
    thresholdSeconds: 0.1,
    objective: 0.99,
    design: 'RTSP: connection setup < 100 ms (P99)',
  },
  {
    id: 'rtsp-stream-start',
    metric: 'stream_start_duration_seconds',
    selector: { protocol: 'rtsp' },
    thresholdSeconds: 0.5,
    objective: 0.99,
    design: 'RTSP: stream start < 500 ms (P99)',
  },
  {
    id: 'rtsp-data-transfer-latency',
    metric: 'packet_latency_seconds',
    selector: { protocol: 'rtsp' },
    thresholdSeconds: 0.05,
    objective: 0.99,
    design: 'RTSP: data-transfer latency < 50 ms (P99)',
  },
  {
    id: 'srt-handshake',
    metric: 'srt_handshake_duration_seconds',
    thresholdSeconds: 0.2,
    objective: 0.99,
    design: 'SRT: handshake < 200 ms (P99)',
  },
  {
    id: 'srt-end-to-end-latency',
    metric: 'packet_latency_seconds',
    selector: { protocol: 'srt' },
    thresholdSeconds: 0.2,
    objective: 0.99,
    design: 'SRT: end-to-end latency < 200 ms (P99)',
  },
];

/** Ratio objectives of the design (event ratios, not latency): used by the SLO rules. */
export const RATIO_OBJECTIVES = {
  availability: { objective: 0.999, design: 'successful requests > 99.9 %' },
  srtPacketLoss: { objective: 0.99, design: 'SRT packet loss < 1 %' },
  dataLoss: { objective: 0.9999, design: 'data loss < 0.01 %' },
  errorRate: { objective: 0.999, design: 'error rate < 0.1 %' },
  restartRecoverySeconds: { objective: 30, design: 'restart recovery < 30 s' },
} as const;
