// The explicit hook API: connection, request, session and packet hooks.
export { RtspMetrics, createRtspMetrics } from './rtsp-metrics.js';
export type { RtspMetricsOptions } from './rtsp-metrics.js';
export { RtspConnectionObserver, RtspRequestTimer } from './connection.js';
export type { RtspSessionOptions } from './connection.js';
export { RtspSessionObserver, DEFAULT_CLOCK_RATE } from './session.js';
export type { RtspMode } from './session.js';
export { errorTypeOfStatus } from './error-type.js';

// One-call instrumentation of a net.Server-based RTSP server.
export { instrumentRtspServer } from './passive/instrument-server.js';
export type {
  RtspServerInstrumentation,
  RtspServerInstrumentationOptions,
} from './passive/instrument-server.js';

// RTCP helpers for servers that write or read reports themselves.
export { readReportBlocks, ntpMiddle32, nowUnixMs, roundTripSeconds, RTCP_RR, RTCP_SR } from './rtcp.js';
export type { ReportBlock } from './rtcp.js';
