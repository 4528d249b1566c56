// SRT statistics as catalog metrics.
export { createSrtMetrics, SrtMetrics } from './srt-metrics.js';
export type { SrtMetricsOptions, SrtOpenOptions } from './srt-metrics.js';
export { SrtConnection } from './srt-connection.js';
export type { SrtUpdateOptions } from './srt-connection.js';
export type { SrtDirection, SrtStats } from './stats.js';
export { srtRejectReason } from './reject-reason.js';
export type { SrtRejectReason } from './reject-reason.js';

// srt-live-transmit: its statistics stream (JSON/CSV), its stderr events, and a process helper.
export { attachSrtLiveTransmit, SrtLiveTransmitMonitor } from './live-transmit/monitor.js';
export type { SrtLiveTransmitAttachOptions, SrtLiveTransmitEvents } from './live-transmit/monitor.js';
export {
  srtLiveTransmitArgs,
  SrtLiveTransmitNotFoundError,
  startSrtLiveTransmit,
} from './live-transmit/process.js';
export type { SrtLiveTransmitProcess, SrtLiveTransmitStartOptions } from './live-transmit/process.js';
export { parseJsonReport } from './live-transmit/json-report.js';
export { CsvReportParser } from './live-transmit/csv-report.js';
export type { SrtLiveTransmitReport } from './live-transmit/report.js';
export { srtUri, startSrtCaller, startSrtListener } from './live-transmit/endpoints.js';
export type { SrtEndpoint } from './live-transmit/endpoints.js';
