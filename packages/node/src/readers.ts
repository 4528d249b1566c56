import { diag } from '@opentelemetry/api';
import type { FluxRegistry } from '@flux-metrics/core';
import { PrometheusBridge, type ListenOptions, type PrometheusBridgeOptions } from '@flux-metrics/prometheus';
import { PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import type { AddressInfo } from 'node:net';
import type { EnvConfig, MetricsExporterName } from './env.js';
import { observedSeriesProducer } from './observed-producer.js';
import { createOtlpExporter, type OtlpOptions } from './otlp.js';

export interface PrometheusRegisterOptions
  extends Omit<PrometheusBridgeOptions, 'metricProducers' | 'meterProvider' | 'registry'>, ListenOptions {
  /** Start the standalone server (default true). False: mount `registration.prometheus` on your server. */
  listen?: boolean;
}

/** The exporters of a registry: each reader carries its own observed-series producer. */
export interface FluxReaders {
  readonly readers: MetricReader[];
  readonly prometheus: PrometheusBridge | undefined;
  /** The standalone Prometheus server's address once listening (undefined if not listening or it failed). */
  readonly ready: Promise<AddressInfo | undefined>;
}

/**
 * The Prometheus bridge and/or OTLP push reader for `exporters`, publishing `registry`; the bridge starts
 * listening unless told not to (a busy port is reported, never thrown: metrics are never worth a crash).
 */
export function buildReaders(
  registry: FluxRegistry,
  exporters: readonly MetricsExporterName[],
  env: EnvConfig,
  prometheusOptions: PrometheusRegisterOptions = {},
  otlp: OtlpOptions = {},
): FluxReaders {
  const readers: MetricReader[] = [];
  let prometheus: PrometheusBridge | undefined;
  if (exporters.includes('prometheus')) {
    // listen/host/port are read below; the bridge ignores them.
    // The bridge writes the registry's families from their cells at its scrapes; the producer serves
    // the other collections of its reader (merging workers' metrics, a worker sharing its own).
    prometheus = new PrometheusBridge({
      ...prometheusOptions,
      metricProducers: [observedSeriesProducer(registry)],
      registry,
    });
    readers.push(prometheus.reader);
  }
  if (exporters.includes('otlp')) {
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
        metricProducers: [observedSeriesProducer(registry)],
      }),
    );
  }
  const ready: Promise<AddressInfo | undefined> =
    prometheus && prometheusOptions.listen !== false
      ? prometheus
          .listen({
            host: prometheusOptions.host ?? env.prometheusHost,
            port: prometheusOptions.port ?? env.prometheusPort,
          })
          .catch((err: unknown) => {
            diag.error('flux-metrics: the Prometheus endpoint could not listen', err);
            process.emitWarning(`flux-metrics: Prometheus endpoint not started: ${String(err)}`);
            return undefined;
          })
      : Promise.resolve(undefined);
  return { readers, prometheus, ready };
}
