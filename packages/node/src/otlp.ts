import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { AggregationTemporality, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { OtlpProtocol } from './env.js';
import { createGrpcMetricExporter } from './grpc-exporter.js';

export interface OtlpOptions {
  /** grpc | http/protobuf | http/json (default: OTEL_EXPORTER_OTLP_[METRICS_]PROTOCOL, else http/protobuf). */
  protocol?: OtlpProtocol;
  /**
   * Full URL of the metrics endpoint (`http://collector:4318/v1/metrics`, gRPC `http://collector:4317`).
   * Default: the exporter reads OTEL_EXPORTER_OTLP_METRICS_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT.
   */
  endpoint?: string;
  /** Extra request headers (default: OTEL_EXPORTER_OTLP_[METRICS_]HEADERS). */
  headers?: Record<string, string>;
  /** Push period (default OTEL_METRIC_EXPORT_INTERVAL, else 60000). */
  exportIntervalMillis?: number;
  /** Deadline of one push including retries (default OTEL_METRIC_EXPORT_TIMEOUT, else 30000; never above the interval). */
  exportTimeoutMillis?: number;
  /** Pushes in flight at most; further pushes fail at once instead of queueing (default 2). */
  concurrencyLimit?: number;
}

/**
 * An OTLP metric exporter of the chosen protocol. Temporality is always cumulative: the Collector's
 * Prometheus exporters need cumulative sums and remote write drops delta ones, and after a Collector outage
 * the next push carries the full totals, so nothing is lost.
 */
export function createOtlpExporter(protocol: OtlpProtocol, options: OtlpOptions): PushMetricExporter {
  const config = {
    ...(options.endpoint ? { url: options.endpoint } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    timeoutMillis: options.exportTimeoutMillis,
    concurrencyLimit: options.concurrencyLimit ?? 2,
    temporalityPreference: AggregationTemporality.CUMULATIVE,
  };
  switch (protocol) {
    case 'grpc':
      return createGrpcMetricExporter(config);
    case 'http/json':
      return new JsonExporter(config);
    case 'http/protobuf':
      return new ProtoExporter(config);
  }
}
