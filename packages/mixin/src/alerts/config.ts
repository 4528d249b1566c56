/** Thresholds and `for` durations of the alert rules; every alert reads its numbers from here. */
export interface AlertsConfig {
  /**
   * `production` uses the `for` durations below; `fast` replaces each with {@link AlertsConfig.fastFor} so an
   * end-to-end test sees alerts fire within seconds. Never deploy `fast`.
   */
  readonly profile: 'production' | 'fast';
  /** The one `for` every alert gets in the `fast` profile. */
  readonly fastFor: string;
  /** Range of `rate()` in the `fast` profile (the production range is the config's `rateInterval`). */
  readonly fastRateInterval: string;
  /** How many streams, volumes or reasons a description names (the worst first). */
  readonly worstShown: number;
  readonly thresholds: {
    /** Host CPU busy share (0–1). */
    readonly cpuUsage: number;
    /** Host memory used share (0–1). */
    readonly memoryUsage: number;
    /** Used share of a watched filesystem (0–1). */
    readonly diskUsage: number;
    /** Errors (errors_total) per HTTP/RTSP request. */
    readonly errorRatio: number;
    /** P99 of HTTP request latency, seconds. */
    readonly httpLatencyP99Seconds: number;
    /** Lost / sent SRT packets (before retransmission). */
    readonly srtPacketLoss: number;
    /** Net growth of open connections per protocol within the rate interval. */
    readonly connectionGrowth: number;
    /** Streams stopped with reason="error" per protocol within the rate interval. */
    readonly errorStops: number;
    /** SRT packets given up as too late (never delivered) within the rate interval. */
    readonly srtDroppedPackets: number;
    /** Smoothed SRT round-trip time, seconds. */
    readonly srtRttSeconds: number;
    /** Share of RTSP requests answered with a 5xx status. */
    readonly rtspServerErrorRatio: number;
    /** Failed SRT connection attempts (other than passphrase rejections) within the rate interval. */
    readonly streamStartFailures: number;
    /** How far ahead a filling recording volume is predicted, hours. */
    readonly diskFillHorizonHours: number;
    /** …from this much history, hours. */
    readonly diskFillLookbackHours: number;
    /** …only while the volume is at least this full (0–1): an empty disk with a burst is no news. */
    readonly diskFillMinUsage: number;
    /** P99 of one /metrics collection, seconds (the design's "export latency < 100 ms"). */
    readonly scrapeDurationP99Seconds: number;
    /** How long an app may be gone from every export path before AppAbsent fires. */
    readonly appAbsentFor: string;
  };
  /** `for` of each alert in the production profile (Watchdog has none). */
  readonly for: Readonly<Record<AlertName, string>>;
}

export type AlertName =
  | 'HighCPUUsage'
  | 'HighMemoryUsage'
  | 'HighDiskUsage'
  | 'DiskPathStalled'
  | 'HighErrorRate'
  | 'HighLatency'
  | 'ServiceDown'
  | 'HighSRTPacketLoss'
  | 'ConnectionSpike'
  | 'StreamAbnormalTermination'
  | 'SrtPacketsDropped'
  | 'SrtHighRtt'
  | 'RtspRequestErrors'
  | 'RtspSetupLatencyHigh'
  | 'StreamStartFailures'
  | 'RecordingWriteErrors'
  | 'RecordingVolumeFillingUp'
  | 'CollectorDown'
  | 'CollectorRefusingMetrics'
  | 'CollectorExportFailing'
  | 'AppAbsent'
  | 'LabelOverflowRising'
  | 'MetricsScrapeSlow'
  | 'Watchdog';

export const defaultAlertsConfig: AlertsConfig = {
  profile: 'production',
  fastFor: '10s',
  fastRateInterval: '30s',
  worstShown: 3,
  thresholds: {
    cpuUsage: 0.8,
    memoryUsage: 0.9,
    diskUsage: 0.85,
    errorRatio: 0.1,
    httpLatencyP99Seconds: 1,
    srtPacketLoss: 0.05,
    connectionGrowth: 100,
    errorStops: 5,
    srtDroppedPackets: 10,
    srtRttSeconds: 0.25,
    rtspServerErrorRatio: 0.05,
    streamStartFailures: 5,
    diskFillHorizonHours: 24,
    diskFillLookbackHours: 6,
    diskFillMinUsage: 0.5,
    scrapeDurationP99Seconds: 0.1,
    appAbsentFor: '10m',
  },
  for: {
    HighCPUUsage: '15m',
    HighMemoryUsage: '15m',
    HighDiskUsage: '10m',
    DiskPathStalled: '2m',
    HighErrorRate: '10m',
    HighLatency: '10m',
    ServiceDown: '2m',
    HighSRTPacketLoss: '5m',
    ConnectionSpike: '5m',
    StreamAbnormalTermination: '5m',
    SrtPacketsDropped: '5m',
    SrtHighRtt: '10m',
    RtspRequestErrors: '10m',
    RtspSetupLatencyHigh: '15m',
    StreamStartFailures: '10m',
    RecordingWriteErrors: '2m',
    RecordingVolumeFillingUp: '1h',
    CollectorDown: '2m',
    CollectorRefusingMetrics: '5m',
    CollectorExportFailing: '5m',
    AppAbsent: '0m',
    LabelOverflowRising: '15m',
    MetricsScrapeSlow: '15m',
    Watchdog: '0m',
  },
};
