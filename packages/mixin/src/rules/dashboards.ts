import type { MixinConfig } from '../config.js';
import type { GeneratedFile } from '../generated-file.js';
import * as promql from '../promql.js';
import { ruleFile, type RecordingRule } from '../rule-file.js';

/**
 * Recording rules behind the dashboards' heavy panels (aggregations over every route, method and bucket,
 * top-k over histogram quantiles), so panels stay fast with many instances and long ranges. Every series
 * keeps `job` and `instance`, so the dashboards' variables still filter them.
 */

const PER_PROCESS = ['job', 'instance'] as const;

/** Names of the recorded series, `level:metric:operation` with the config's rate window. */
export function dashboardRecords(config: MixinConfig) {
  const w = `rate${config.rateInterval}`;
  return {
    /** Requests per second by protocol (`http`, `rtsp`). */
    requests: `job_instance_protocol:requests:${w}`,
    /** Server-error (5xx) responses per second by protocol; 0 when there are none. */
    serverErrors: `job_instance_protocol:request_server_errors:${w}`,
    /** 4xx and 5xx responses per second by protocol, method and status. */
    failedRequests: `job_instance_protocol_method_status:failed_requests:${w}`,
    /** Bucket rates of the HTTP request latency histogram over all routes. */
    httpLatencyBuckets: `job_instance_le:http_request_duration_seconds_bucket:${w}`,
    /** Bucket rates of the RTSP request latency histogram over all methods. */
    rtspLatencyBuckets: `job_instance_le:rtsp_request_duration_seconds_bucket:${w}`,
    /** P99 request latency per protocol, method and (HTTP) route; routes without traffic are left out. */
    routeP99: `job_instance_protocol_method_path:request_duration_seconds:p99_${w}`,
    /** `errors_total` per second by type and component. */
    errors: `job_instance_type_component:errors:${w}`,
  } as const;
}

/** The labels each recorded series keeps (for checkExpression). */
export function dashboardRecordedLabels(config: MixinConfig): Record<string, readonly string[]> {
  const r = dashboardRecords(config);
  return {
    [r.requests]: [...PER_PROCESS, 'protocol'],
    [r.serverErrors]: [...PER_PROCESS, 'protocol'],
    [r.failedRequests]: [...PER_PROCESS, 'protocol', 'method', 'status'],
    [r.httpLatencyBuckets]: [...PER_PROCESS, 'le'],
    [r.rtspLatencyBuckets]: [...PER_PROCESS, 'le'],
    [r.routeP99]: [...PER_PROCESS, 'protocol', 'method', 'path'],
    [r.errors]: [...PER_PROCESS, 'type', 'component'],
  };
}

export function dashboardRecordingRules(config: MixinConfig): RecordingRule[] {
  const r = dashboardRecords(config);
  const rate = (metric: string, extra = '') => promql.rate(config, promql.appSeries(config, metric, extra));
  const sum = (by: readonly string[], metric: string, extra = '') =>
    promql.sumBy([...PER_PROCESS, ...by], rate(metric, extra));
  const protocols = [
    { protocol: 'http', requests: 'http_requests_total', latency: 'http_request_duration_seconds' },
    { protocol: 'rtsp', requests: 'rtsp_requests_total', latency: 'rtsp_request_duration_seconds' },
  ] as const;
  return [
    ...protocols.flatMap(({ protocol, requests, latency }): RecordingRule[] => [
      { record: r.requests, expr: sum([], requests), labels: { protocol } },
      {
        record: r.serverErrors,
        // `or … * 0`: a zero series while there are no 5xx responses, so ratios read 0 instead of nothing.
        expr: `${sum([], requests, 'status=~"5.."')}\nor\n${sum([], requests)} * 0`,
        labels: { protocol },
      },
      {
        record: r.failedRequests,
        expr: sum(['method', 'status'], requests, 'status=~"[45].."'),
        labels: { protocol },
      },
      {
        record: r.routeP99,
        // `>= 0` drops the NaN of routes without requests in the window, so top-k lists only real ones.
        expr: `histogram_quantile(0.99, ${sum(['le', 'method', ...(protocol === 'http' ? ['path'] : [])], `${latency}_bucket`)}) >= 0`,
        labels: { protocol },
      },
    ]),
    { record: r.httpLatencyBuckets, expr: sum(['le'], 'http_request_duration_seconds_bucket') },
    { record: r.rtspLatencyBuckets, expr: sum(['le'], 'rtsp_request_duration_seconds_bucket') },
    { record: r.errors, expr: sum(['type', 'component'], 'errors_total') },
  ];
}

/** deploy/prometheus/rules/recording-dashboards.yml */
export function dashboardRuleFiles(config: MixinConfig): GeneratedFile[] {
  return [
    ruleFile('prometheus/rules/recording-dashboards.yml', [
      { name: 'flux-metrics-dashboards', rules: dashboardRecordingRules(config) },
    ]),
  ];
}
