import { defineMetric } from './define.js';
import { LABEL } from './label-values.js';

/** RTSP-specific metrics, recorded by @flux-metrics/rtsp. */
export const RTSP_METRICS = [
  defineMetric({
    name: 'rtsp_requests_total',
    kind: 'counter',
    unit: '{request}',
    help: 'RTSP requests answered, by method and status code.',
    labels: { method: LABEL.rtspMethod, status: LABEL.status },
    cardinalityLimit: 500,
    recordedBy: ['rtsp'],
    origin: 'RTSP issue: request methods and status codes',
  }),
  defineMetric({
    name: 'rtsp_request_duration_seconds',
    kind: 'histogram',
    unit: 's',
    help: 'Time from receiving an RTSP request until its response is written.',
    labels: { method: LABEL.rtspMethod },
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    cardinalityLimit: 100,
    recordedBy: ['rtsp'],
    origin: 'RTSP issue: request latency',
  }),
  defineMetric({
    name: 'rtsp_session_duration_seconds',
    kind: 'histogram',
    unit: 's',
    help: 'Lifetime of RTSP sessions from SETUP to teardown or close, by mode (play or record); feeds the session-duration heatmap.',
    labels: { mode: LABEL.rtspMode },
    buckets: [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 14400, 86400],
    cardinalityLimit: 20,
    recordedBy: ['rtsp'],
    origin: 'dashboard: RTSP session-duration distribution',
  }),
  defineMetric({
    name: 'rtsp_rtp_jitter_seconds',
    kind: 'observableGauge',
    unit: 's',
    help: 'Interarrival jitter from the latest RTCP receiver report (converted from RTP timestamp units with the clock rate).',
    labels: { stream_name: LABEL.streamName },
    recordedBy: ['rtsp'],
    origin: 'RTSP issue: jitter from RTCP receiver reports',
  }),
  defineMetric({
    name: 'rtcp_packets_total',
    kind: 'observableCounter',
    unit: '{packet}',
    help: 'RTCP packets seen on RTSP sessions, by direction.',
    labels: { direction: LABEL.direction, stream_name: LABEL.streamName },
    recordedBy: ['rtsp'],
    origin: 'RTSP issue: RTP/RTCP packets',
  }),
] as const;
