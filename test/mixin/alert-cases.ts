/**
 * promtool test cases per alert, as data: `bad` data must fire the alert after its `for`, `healthy` and `idle`
 * (zero traffic: flat counters, empty histograms, zero gauges) data must not. Series use promtool's expanding
 * notation with one sample a minute; `@` marks where the alert's labels come from.
 */
export interface Series {
  readonly series: string;
  readonly values: string;
}

export interface AlertCase {
  readonly bad: readonly Series[];
  /** Labels of the firing alert besides `severity`. */
  readonly firing: Readonly<Record<string, string>>;
  readonly healthy: readonly Series[];
  readonly idle?: readonly Series[];
  /** Minutes of data (default: `for` + 30). */
  readonly minutes?: number;
  /** When to look for the firing alert (default: `for` + 10). */
  readonly evalMinutes?: number;
  /** Annotations expected when firing (all of them), to show the templates render. */
  readonly annotations?: Readonly<Record<string, string>>;
}

export const APP = 'job="media-server", instance="media-1:9464"';
const at = { job: 'media-server', instance: 'media-1:9464' };

/** `n` samples: a counter growing by `perMinute`, or a gauge holding `value`. */
const counter = (perMinute: number) => `0+${perMinute}x{N}`;
const gauge = (value: number) => `${value}x{N}`;
const s = (metric: string, labels: string, values: string): Series => ({
  series: `${metric}{${[APP, labels].filter(Boolean).join(', ')}}`,
  values,
});

/** A classic histogram whose observations all fall into the bucket ending at `into` (per minute). */
function histogram(
  metric: string,
  labels: string,
  bounds: readonly string[],
  into: string | undefined,
  perMinute: number,
): Series[] {
  const reached = into === undefined ? bounds.length : bounds.indexOf(into);
  return [
    ...bounds.map((le, i) =>
      s(
        `${metric}_bucket`,
        [labels, `le="${le}"`].filter(Boolean).join(', '),
        counter(i >= reached ? perMinute : 0),
      ),
    ),
    s(`${metric}_count`, labels, counter(into === undefined ? 0 : perMinute)),
  ];
}

const HTTP = ['0.5', '1.0', '5.0', '+Inf'];
const SETUP = ['0.05', '0.1', '0.5', '+Inf'];
const SCRAPE = ['0.05', '0.1', '0.25', '+Inf'];
const srtLoss = (lost: number) => [
  s('packets_lost_total', 'protocol="srt", stream_name="cam-north"', counter(lost)),
  s('packets_received_total', 'protocol="srt", stream_name="cam-north"', counter(lost === 0 ? 0 : 1000)),
];

export const CASES: Readonly<Record<string, AlertCase>> = {
  HighCPUUsage: {
    bad: [s('cpu_usage_ratio', '', gauge(0.95))],
    firing: at,
    annotations: {
      summary: 'Host CPU usage is high.',
      description: 'CPU usage is 95% on media-1:9464 (job media-server), above 80%.',
      runbook_url: 'https://github.com/flux-metrics/flux-metrics/blob/main/docs/runbooks/HighCPUUsage.md',
    },
    healthy: [s('cpu_usage_ratio', '', gauge(0.3))],
    idle: [s('cpu_usage_ratio', '', gauge(0))],
  },
  HighMemoryUsage: {
    bad: [
      s('memory_usage_bytes', 'type="used"', gauge(9.5e9)),
      s('memory_usage_bytes', 'type="rss"', gauge(1e8)),
      s('memory_total_bytes', '', gauge(1e10)),
    ],
    firing: at,
    healthy: [s('memory_usage_bytes', 'type="used"', gauge(4e9)), s('memory_total_bytes', '', gauge(1e10))],
    idle: [s('memory_usage_bytes', 'type="used"', gauge(0)), s('memory_total_bytes', '', gauge(0))],
  },
  HighDiskUsage: {
    bad: [s('disk_usage_ratio', 'path="/rec"', gauge(0.9))],
    firing: { ...at, path: '/rec' },
    healthy: [s('disk_usage_ratio', 'path="/rec"', gauge(0.5))],
    idle: [s('disk_usage_ratio', 'path="/rec"', gauge(0))],
  },
  HighErrorRate: {
    bad: [
      s('errors_total', 'type="internal", component="rtsp"', counter(30)),
      s('rtsp_requests_total', 'method="DESCRIBE", status="500"', counter(30)),
      s('rtsp_requests_total', 'method="DESCRIBE", status="200"', counter(30)),
      s('http_requests_total', 'method="GET", path="/streams", status="200"', counter(40)),
    ],
    firing: at,
    healthy: [
      s('errors_total', 'type="not_found", component="rtsp"', counter(2)),
      s('rtsp_requests_total', 'method="DESCRIBE", status="200"', counter(100)),
    ],
    idle: [
      s('errors_total', 'type="internal", component="rtsp"', counter(0)),
      s('rtsp_requests_total', 'method="DESCRIBE", status="200"', counter(0)),
    ],
  },
  HighLatency: {
    bad: histogram('http_request_duration_seconds', 'method="GET", path="/streams"', HTTP, '5.0', 60),
    firing: at,
    healthy: histogram('http_request_duration_seconds', 'method="GET", path="/streams"', HTTP, '0.5', 60),
    idle: histogram('http_request_duration_seconds', 'method="GET", path="/streams"', HTTP, undefined, 0),
  },
  ServiceDown: {
    bad: [s('up', '', gauge(0))],
    firing: at,
    healthy: [s('up', '', gauge(1)), s('target_info', '', gauge(1))],
  },
  HighSRTPacketLoss: {
    bad: [
      ...srtLoss(100),
      s('packets_lost_total', 'protocol="srt", stream_name="cam-south"', counter(20)),
      s('packets_received_total', 'protocol="srt", stream_name="cam-south"', counter(1000)),
    ],
    firing: at,
    annotations: {
      summary: 'SRT streams are losing packets.',
      description:
        'The worst SRT stream on media-1:9464 (job media-server) loses 10% of its packets (before retransmission), above 5%; worst streams: cam-north 10%, cam-south 2%.',
      runbook_url:
        'https://github.com/flux-metrics/flux-metrics/blob/main/docs/runbooks/HighSRTPacketLoss.md',
    },
    healthy: [
      s('packets_lost_total', 'protocol="srt", stream_name="cam-north"', counter(1)),
      s('packets_received_total', 'protocol="srt", stream_name="cam-north"', counter(1000)),
    ],
    idle: srtLoss(0),
  },
  ConnectionSpike: {
    bad: [s('connections_opened_total', 'protocol="rtsp"', counter(50))],
    firing: { ...at, protocol: 'rtsp' },
    healthy: [
      s('connections_opened_total', 'protocol="rtsp"', counter(50)),
      s('connections_closed_total', 'protocol="rtsp"', counter(50)),
    ],
    idle: [s('connections_opened_total', 'protocol="rtsp"', counter(0))],
  },
  StreamAbnormalTermination: {
    bad: [s('stream_stopped_total', 'protocol="rtsp", stream_name="cam1", reason="error"', counter(3))],
    firing: { ...at, protocol: 'rtsp' },
    annotations: {
      summary: 'Streams are ending with errors.',
      description:
        '15 rtsp streams stopped with an error in the last 5m on media-1:9464 (job media-server) (threshold 5); most affected: cam1 ×15.',
      runbook_url:
        'https://github.com/flux-metrics/flux-metrics/blob/main/docs/runbooks/StreamAbnormalTermination.md',
    },
    healthy: [
      s('stream_stopped_total', 'protocol="rtsp", stream_name="cam1", reason="teardown"', counter(10)),
    ],
    idle: [s('stream_stopped_total', 'protocol="rtsp", stream_name="cam1", reason="error"', counter(0))],
  },
  SrtPacketsDropped: {
    bad: [s('srt_packets_dropped_total', 'direction="receive", stream_name="cam1"', counter(10))],
    firing: at,
    healthy: [s('srt_packets_dropped_total', 'direction="receive", stream_name="cam1"', counter(1))],
    idle: [s('srt_packets_dropped_total', 'direction="receive", stream_name="cam1"', counter(0))],
  },
  SrtHighRtt: {
    bad: [
      s('srt_rtt_seconds', 'stream_name="cam1"', gauge(0.4)),
      s('srt_rtt_seconds', 'stream_name="cam2"', gauge(0.01)),
    ],
    firing: at,
    healthy: [s('srt_rtt_seconds', 'stream_name="cam1"', gauge(0.02))],
    idle: [s('srt_rtt_seconds', 'stream_name="cam1"', gauge(0))],
  },
  RtspRequestErrors: {
    bad: [
      s('rtsp_requests_total', 'method="SETUP", status="500"', counter(10)),
      s('rtsp_requests_total', 'method="PLAY", status="200"', counter(90)),
    ],
    firing: at,
    healthy: [
      s('rtsp_requests_total', 'method="DESCRIBE", status="404"', counter(10)),
      s('rtsp_requests_total', 'method="PLAY", status="200"', counter(90)),
    ],
    idle: [s('rtsp_requests_total', 'method="SETUP", status="500"', counter(0))],
  },
  RtspSetupLatencyHigh: {
    bad: histogram('connection_setup_duration_seconds', 'protocol="rtsp"', SETUP, '0.5', 30),
    firing: at,
    healthy: histogram('connection_setup_duration_seconds', 'protocol="rtsp"', SETUP, '0.05', 30),
    idle: histogram('connection_setup_duration_seconds', 'protocol="rtsp"', SETUP, undefined, 0),
  },
  StreamStartFailures: {
    bad: [s('srt_connections_failed_total', 'reason="timeout"', counter(3))],
    firing: at,
    healthy: [s('srt_connections_failed_total', 'reason="badsecret"', counter(3))],
    idle: [s('srt_connections_failed_total', 'reason="timeout"', counter(0))],
  },
  RecordingWriteErrors: {
    bad: [s('errors_total', 'component="storage", type="ENOSPC"', counter(1))],
    firing: at,
    healthy: [s('errors_total', 'component="rtsp", type="not_found"', counter(5))],
    idle: [s('errors_total', 'component="storage", type="ENOSPC"', counter(0))],
  },
  DiskPathStalled: {
    bad: [s('disk_path_stalled', 'path="/rec"', gauge(1))],
    firing: { ...at, path: '/rec' },
    healthy: [s('disk_path_stalled', 'path="/rec"', gauge(0))],
  },
  RecordingVolumeFillingUp: {
    minutes: 480,
    bad: [
      s('disk_free_bytes', 'path="/rec"', '10000000000-10000000x{N}'),
      s('disk_usage_ratio', 'path="/rec"', gauge(0.7)),
    ],
    firing: { ...at, path: '/rec' },
    healthy: [
      s('disk_free_bytes', 'path="/rec"', gauge(3e9)),
      s('disk_usage_ratio', 'path="/rec"', gauge(0.7)),
    ],
    idle: [
      s('disk_free_bytes', 'path="/rec"', '10000000000-10000000x{N}'),
      s('disk_usage_ratio', 'path="/rec"', gauge(0.1)),
    ],
  },
  CollectorDown: {
    bad: [{ series: 'up{job="otel-collector", instance="otel:8888"}', values: gauge(0) }],
    firing: { job: 'otel-collector', instance: 'otel:8888' },
    healthy: [{ series: 'up{job="otel-collector", instance="otel:8888"}', values: gauge(1) }],
  },
  CollectorRefusingMetrics: {
    bad: [
      {
        series:
          'otelcol_receiver_refused_metric_points{job="otel-collector", instance="otel:8888", receiver="otlp", transport="grpc"}',
        values: counter(600),
      },
    ],
    firing: { job: 'otel-collector', instance: 'otel:8888', receiver: 'otlp' },
    healthy: [
      {
        series:
          'otelcol_receiver_refused_metric_points{job="otel-collector", instance="otel:8888", receiver="otlp", transport="grpc"}',
        values: counter(0),
      },
    ],
  },
  CollectorExportFailing: {
    bad: [
      {
        series:
          'otelcol_exporter_send_failed_metric_points{job="otel-collector", instance="otel:8888", exporter="prometheusremotewrite"}',
        values: counter(600),
      },
    ],
    firing: { job: 'otel-collector', instance: 'otel:8888', exporter: 'prometheusremotewrite' },
    healthy: [
      {
        series:
          'otelcol_exporter_send_failed_metric_points{job="otel-collector", instance="otel:8888", exporter="prometheusremotewrite"}',
        values: counter(0),
      },
    ],
  },
  AppAbsent: {
    evalMinutes: 30,
    bad: [s('target_info', '', '1x5 _x{N}')],
    firing: {},
    healthy: [s('target_info', '', gauge(1))],
  },
  LabelOverflowRising: {
    bad: [
      s(
        'flux_metrics_label_overflow_total',
        'metric="stream_started_total", label="stream_name"',
        counter(5),
      ),
    ],
    firing: at,
    healthy: [
      s('flux_metrics_label_overflow_total', 'metric="http_requests_total", label="method"', counter(60)),
    ],
    idle: [
      s(
        'flux_metrics_label_overflow_total',
        'metric="stream_started_total", label="stream_name"',
        counter(0),
      ),
    ],
  },
  MetricsScrapeSlow: {
    bad: histogram('flux_metrics_scrape_duration_seconds', '', SCRAPE, '0.25', 4),
    firing: at,
    healthy: histogram('flux_metrics_scrape_duration_seconds', '', SCRAPE, '0.05', 4),
    idle: histogram('flux_metrics_scrape_duration_seconds', '', SCRAPE, undefined, 0),
  },
};
