import { diag, metrics, type Attributes } from '@opentelemetry/api';
import {
  defaultRegistry,
  startSystemMetrics,
  type FluxRegistry,
  type SystemMetricsOptions,
} from '@flux-metrics/core';
import type { PrometheusBridge } from '@flux-metrics/prometheus';
import { MeterProvider, type ViewOptions } from '@opentelemetry/sdk-metrics';
import type { AddressInfo } from 'node:net';
import { readEnvConfig, type MetricsExporterName } from './env.js';
import { flushOnExit } from './exit-flush.js';
import type { OtlpOptions } from './otlp.js';
import { buildReaders, type PrometheusRegisterOptions } from './readers.js';
import { buildResource } from './resource.js';
import { catalogViews } from './views.js';

export type { PrometheusRegisterOptions };

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
  /** The registry to publish (default: the default registry, which helpers given no registry use). */
  registry?: FluxRegistry;
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
  /** flux's MeterProvider (the global one unless the app set its own first), or undefined when OTEL_SDK_DISABLED=true or no exporter is configured. */
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

/** `work`, but never longer than `ms`: an unreachable Collector must not hold up exit. */
export function withTimeout(work: Promise<void>, ms: number): Promise<void> {
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

  const registry = options.registry ?? defaultRegistry;
  const { readers, prometheus, ready } = buildReaders(
    registry,
    exporters,
    env,
    options.prometheus,
    options.otlp,
  );

  const provider = new MeterProvider({
    resource: buildResource(options.serviceName, options.resourceAttributes),
    readers,
    views: [...catalogViews(registry), ...(options.views ?? [])],
  });
  // The registry records into this provider whether or not it becomes the global one.
  registry.attach(provider);
  if (!metrics.setGlobalMeterProvider(provider)) {
    diag.info('flux-metrics: a global MeterProvider was already set; flux-metrics exports through its own');
  }

  const stopSystem =
    options.systemMetrics === false
      ? () => {}
      : startSystemMetrics({ ...(options.systemMetrics ?? {}), registry });

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
