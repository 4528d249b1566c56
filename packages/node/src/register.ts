import { diag, metrics, type Attributes } from '@opentelemetry/api';
import { startSystemMetrics, type SystemMetricsOptions } from '@flux-metrics/core';
import { PrometheusBridge, type ListenOptions, type PrometheusBridgeOptions } from '@flux-metrics/prometheus';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricReader,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import type { AddressInfo } from 'node:net';
import { readEnvConfig, type MetricsExporterName } from './env.js';
import { flushOnExit } from './exit-flush.js';
import { observedSeriesProducer } from './observed-producer.js';
import { createOtlpExporter, type OtlpOptions } from './otlp.js';
import { buildResource } from './resource.js';
import { catalogViews } from './views.js';

export interface PrometheusRegisterOptions
  extends Omit<PrometheusBridgeOptions, 'metricProducers' | 'meterProvider'>, ListenOptions {
  /** Start the standalone server (default true). False: mount `registration.prometheus` on your server. */
  listen?: boolean;
}

export interface RegisterOptions {
  /** `service.name` (default OTEL_SERVICE_NAME). */
  serviceName?: string;
  /** Resource attributes added to OTEL_RESOURCE_ATTRIBUTES (explicit ones win). */
  resourceAttributes?: Attributes;
  /** Where metrics go (default OTEL_METRICS_EXPORTER, else prometheus). */
  exporters?: readonly MetricsExporterName[];
  /** The embedded Prometheus endpoint (host/port default OTEL_EXPORTER_PROMETHEUS_HOST/PORT, 127.0.0.1:9464). */
  prometheus?: PrometheusRegisterOptions;
  /** OTLP push to a Collector. */
  otlp?: OtlpOptions;
  /** Views added after the catalog's (bucket and cardinality views for your own instruments). */
  views?: ViewOptions[];
  /** System metrics (cpu, memory, disk, network) from core; false turns them off. */
  systemMetrics?: SystemMetricsOptions | false;
  /** Flush on SIGTERM/SIGINT/beforeExit (default true). */
  flushOnExit?: boolean;
  /** Longest wait for the final flush (default 5000 ms), so an unreachable Collector never holds up exit. */
  shutdownTimeoutMillis?: number;
}

/** What register() set up. */
export interface Registration {
  /** The global MeterProvider, or undefined when OTEL_SDK_DISABLED=true or no exporter is configured. */
  readonly meterProvider: MeterProvider | undefined;
  /** The Prometheus bridge when the prometheus exporter is on (mount it with `handle`/`middleware`). */
  readonly prometheus: PrometheusBridge | undefined;
  /** Resolves with the standalone server's address once listening (undefined if not listening or it failed). */
  readonly ready: Promise<AddressInfo | undefined>;
  /** Pushes the current values of every push reader now. */
  forceFlush(): Promise<void>;
  /** Final flush, then stops readers, server and system metrics. Idempotent. */
  shutdown(): Promise<void>;
}

let current: Registration | undefined;

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([
    work.catch((err: unknown) => diag.warn('flux-metrics: flush failed', err)),
    deadline,
  ]).finally(() => clearTimeout(timer));
}

/**
 * Sets up flux-metrics for the whole process: a MeterProvider with the catalog's views and the
 * observed-series producer on every reader, the chosen exporters, system metrics, and a flush at exit.
 * Call it once, before the app creates instruments; later calls return the first registration.
 * Only metrics are set up: no tracer or logger provider, so no trace or log exporter starts.
 */
export function register(options: RegisterOptions = {}): Registration {
  if (current) return current;
  const env = readEnvConfig();
  const exporters = options.exporters ?? env.exporters;
  if (env.disabled || exporters.length === 0) {
    current = {
      meterProvider: undefined,
      prometheus: undefined,
      ready: Promise.resolve(undefined),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    return current;
  }

  const ref: { provider?: MeterProvider } = {};
  const producers = () => [observedSeriesProducer(() => ref.provider)];
  const readers: MetricReader[] = [];

  let prometheus: PrometheusBridge | undefined;
  if (exporters.includes('prometheus')) {
    // listen/host/port are read below; the bridge ignores them.
    // The bridge writes the observed families itself, straight from their cells.
    prometheus = new PrometheusBridge({
      ...options.prometheus,
      meterProvider: () => ref.provider,
    });
    readers.push(prometheus.reader);
  }
  if (exporters.includes('otlp')) {
    const otlp = options.otlp ?? {};
    const exportIntervalMillis = otlp.exportIntervalMillis ?? env.exportIntervalMillis;
    const exportTimeoutMillis = Math.min(
      otlp.exportTimeoutMillis ?? env.exportTimeoutMillis,
      exportIntervalMillis,
    );
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: createOtlpExporter(otlp.protocol ?? env.otlpProtocol, { ...otlp, exportTimeoutMillis }),
        exportIntervalMillis,
        exportTimeoutMillis,
        metricProducers: producers(),
      }),
    );
  }

  const provider = new MeterProvider({
    resource: buildResource(options.serviceName, options.resourceAttributes),
    readers,
    views: [...catalogViews(), ...(options.views ?? [])],
  });
  ref.provider = provider;
  if (!metrics.setGlobalMeterProvider(provider)) {
    diag.warn('flux-metrics: a global MeterProvider was already set; flux-metrics instruments use their own');
  }

  const stopSystem =
    options.systemMetrics === false
      ? () => {}
      : startSystemMetrics({ ...(options.systemMetrics ?? {}), meterProvider: provider });

  const listenOptions = options.prometheus ?? {};
  const ready: Promise<AddressInfo | undefined> =
    prometheus && listenOptions.listen !== false
      ? prometheus
          .listen({
            host: listenOptions.host ?? env.prometheusHost,
            port: listenOptions.port ?? env.prometheusPort,
          })
          .catch((err: unknown) => {
            // A busy port must not take the app down: metrics are never worth a crash.
            diag.error('flux-metrics: the Prometheus endpoint could not listen', err);
            process.emitWarning(`flux-metrics: Prometheus endpoint not started: ${String(err)}`);
            return undefined;
          })
      : Promise.resolve(undefined);

  const timeout = options.shutdownTimeoutMillis ?? 5000;
  let stopped: Promise<void> | undefined;
  let removeExitHooks = () => {};
  const shutdown = (): Promise<void> =>
    (stopped ??= (async () => {
      removeExitHooks();
      stopSystem();
      await withTimeout(provider.shutdown({ timeoutMillis: timeout }), timeout);
      await prometheus?.shutdown();
    })());
  if (options.flushOnExit !== false) removeExitHooks = flushOnExit(shutdown);

  current = {
    meterProvider: provider,
    prometheus,
    ready,
    forceFlush: () => withTimeout(provider.forceFlush({ timeoutMillis: timeout }), timeout),
    shutdown,
  };
  return current;
}
