import { Client, Metadata, status, type ChannelOptions } from '@grpc/grpc-js';
import {
  OTLPMetricExporterBase,
  type OTLPMetricExporterOptions,
} from '@opentelemetry/exporter-metrics-otlp-http';
import {
  createOtlpNetworkExportDelegate,
  type ExportResponse,
  type IExporterTransport,
} from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyOtlpGrpcOptions,
  createOtlpGrpcExporterMetrics,
} from '@opentelemetry/otlp-grpc-exporter-base';
import { MetricsExporterMetricsHelper, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';

/**
 * Ceiling of grpc-js's reconnect backoff. Its default lets the gap between connection attempts grow ×1.6 per
 * failure up to 120 s, and meanwhile every push fails at once (channel in TRANSIENT_FAILURE): after a Collector
 * restart, delivery would resume only at the next attempt, up to 2 min later. 5 s bounds that to one or two push
 * intervals; one TCP connect every 5 s to a Collector that is down costs nothing.
 */
export const MAX_RECONNECT_BACKOFF_MS = 5000;
const EXPORT_METHOD = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';
/** Consecutive deadline misses after which the channel is replaced (a silently dead connection). */
const MAX_DEADLINE_EXCEEDED = 5;

/** The resolved OTLP gRPC configuration (options over OTEL_EXPORTER_OTLP_* over defaults). */
export type GrpcTransportParameters = Pick<
  ReturnType<typeof convertLegacyOtlpGrpcOptions>,
  'url' | 'credentials' | 'metadata' | 'compression'
>;
/** grpc-js's compression algorithm numbers. */
const GRPC_COMPRESSION = { none: 0, gzip: 2 } as const;

const identity = (b: Buffer): Buffer => b;

/**
 * The OTLP/gRPC metric exporter: the stock configuration (options over OTEL_EXPORTER_OTLP_* env), serializer and
 * export delegate of @opentelemetry/exporter-metrics-otlp-grpc, with our transport, because the stock one creates
 * its channel with fixed options and so keeps grpc-js's 120 s reconnect backoff. `headers` become gRPC metadata.
 */
export function createGrpcMetricExporter(
  config: OTLPMetricExporterOptions & { headers?: Record<string, string> },
): PushMetricExporter {
  const { headers, ...rest } = config;
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(headers ?? {})) metadata.set(key, value);
  const resolved = convertLegacyOtlpGrpcOptions({ ...rest, metadata }, 'METRICS');
  const metrics = createOtlpGrpcExporterMetrics(
    'otlp_grpc_metric_exporter',
    MetricsExporterMetricsHelper,
    config.url,
    undefined,
  );
  const delegate = createOtlpNetworkExportDelegate(
    resolved,
    ProtobufMetricsSerializer,
    metrics,
    new GrpcMetricsTransport(resolved),
  );
  return new OTLPMetricExporterBase(delegate, config);
}

/** The OTLP metrics Export call over a grpc-js channel whose reconnect backoff is bounded. */
export class GrpcMetricsTransport implements IExporterTransport {
  private client: Client | undefined;
  private metadata: Metadata | undefined;
  private deadlineExceeded = 0;

  constructor(private readonly parameters: GrpcTransportParameters) {}

  send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    let client: Client;
    let metadata: Metadata;
    try {
      ({ client, metadata } = this.connection());
    } catch (error) {
      return Promise.resolve({ status: 'failure', error: error as Error });
    }
    return new Promise((resolve) => {
      client.makeUnaryRequest(
        EXPORT_METHOD,
        identity,
        identity,
        Buffer.from(data),
        metadata,
        { deadline: Date.now() + timeoutMillis },
        (error, response) => {
          if (!error) {
            this.deadlineExceeded = 0;
            resolve({ status: 'success', data: response });
            return;
          }
          resolve({ status: 'failure', error });
          if (error.code === status.DEADLINE_EXCEEDED && ++this.deadlineExceeded > MAX_DEADLINE_EXCEEDED) {
            this.shutdown();
          }
        },
      );
    });
  }

  shutdown(): void {
    this.client?.close();
    this.client = undefined;
  }

  private connection(): { client: Client; metadata: Metadata } {
    if (!this.client || !this.metadata) {
      const { url, credentials, metadata, compression } = this.parameters;
      const options: ChannelOptions = {
        'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS,
        'grpc.default_compression_algorithm': GRPC_COMPRESSION[compression],
      };
      this.metadata = metadata();
      this.client = new Client(url, credentials(), options);
      this.deadlineExceeded = 0;
    }
    return { client: this.client, metadata: this.metadata };
  }
}
