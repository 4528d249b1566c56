import type { Attributes } from '@opentelemetry/api';
import {
  defaultRegistry,
  startSystemMetrics,
  type FluxRegistry,
  type SystemMetricsOptions,
} from '@flux-metrics/core';
import type { PrometheusBridge } from '@flux-metrics/prometheus';
import type { Resource } from '@opentelemetry/resources';
import type { MetricReader, ViewOptions } from '@opentelemetry/sdk-metrics';
import type { AddressInfo } from 'node:net';
import { readEnvConfig, type MetricsExporterName } from './env.js';
import type { OtlpOptions } from './otlp.js';
import { buildReaders, type PrometheusRegisterOptions } from './readers.js';
import { withTimeout } from './register.js';
import { buildResource } from './resource.js';
import { catalogViews } from './views.js';

export interface FluxSdkOptions {
  /** The registry to publish (default: the default registry, which helpers given no registry use). */
  registry?: FluxRegistry;
  /** `service.name` of the resource (default OTEL_SERVICE_NAME). */
  serviceName?: string;
  /** Resource attributes added to OTEL_RESOURCE_ATTRIBUTES (explicit ones win). */
  resourceAttributes?: Attributes;
  /** Where flux metrics go (default OTEL_METRICS_EXPORTER, else prometheus). */
  exporters?: readonly MetricsExporterName[];
  /** The embedded Prometheus endpoint (listen: false to mount `flux.prometheus` on your own server). */
  prometheus?: PrometheusRegisterOptions;
  /** OTLP push of the metrics to a Collector. */
  otlp?: OtlpOptions;
  /** System metrics (cpu, memory, disk, network); false turns them off. */
  systemMetrics?: SystemMetricsOptions | false;
}

/** The metric part of a NodeSDK configuration: spread it into `new NodeSDK({ ...flux.sdk, ... })`. */
export interface FluxSdkParts {
  /** Readers carrying the observed-series producer; add your own readers next to them. */
  readonly metricReaders: MetricReader[];
  /** The catalog's views (buckets, cardinality limits); add your own views after them. */
  readonly views: ViewOptions[];
  /** service.name, service.instance.id (`<host>:<pid>`, so processes never collide) and OTEL_RESOURCE_ATTRIBUTES. */
  readonly resource: Resource;
}

export interface FluxSdkConfig {
  readonly sdk: FluxSdkParts;
  /** The Prometheus bridge when the prometheus exporter is on (mount it with `handle`/`middleware`). */
  readonly prometheus: PrometheusBridge | undefined;
  /** Resolves with the standalone server's address once listening (undefined if not listening or it failed). */
  readonly ready: Promise<AddressInfo | undefined>;
  /** Stops the Prometheus server and system metrics; `sdk.shutdown()` flushes and stops the readers. */
  shutdown(): Promise<void>;
}

/**
 * What flux-metrics needs from an app's NodeSDK: its readers (each with the observed-series producer),
 * the catalog's views and the resource. The app keeps its traces and instrumentations:
 * `new NodeSDK({ ...fluxSdkConfig().sdk, spanProcessors, instrumentations }).start()`. Helpers record
 * into the NodeSDK's MeterProvider once it is the global one, whether they were created before or after
 * `sdk.start()`; observed series need no provider at all.
 */
export function fluxSdkConfig(options: FluxSdkOptions = {}): FluxSdkConfig {
  const env = readEnvConfig();
  const registry = options.registry ?? defaultRegistry;
  const exporters = env.disabled ? [] : (options.exporters ?? env.exporters);
  const { readers, prometheus, ready } = buildReaders(
    registry,
    exporters,
    env,
    options.prometheus,
    options.otlp,
  );
  const stopSystem =
    options.systemMetrics === false
      ? () => {}
      : startSystemMetrics({ ...(options.systemMetrics ?? {}), registry });
  let stopped: Promise<void> | undefined;
  return {
    sdk: {
      metricReaders: readers,
      views: catalogViews(registry),
      resource: buildResource(options.serviceName, options.resourceAttributes),
    },
    prometheus,
    ready,
    shutdown: () =>
      (stopped ??= (async () => {
        stopSystem();
        await withTimeout(prometheus?.shutdown() ?? Promise.resolve(), 5000);
      })()),
  };
}
