import { diag, type MeterProvider } from '@opentelemetry/api';
import { ERROR_TYPES, fluxInstruments, type ErrorType, type FluxRegistry } from '@flux-metrics/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { MetricProducer } from '@opentelemetry/sdk-metrics';
import { ChunkedSerializer } from './chunked-serializer.js';
import type { WorkerMetrics } from './cluster/worker-metrics.js';

/** What goes into the exposition text; the defaults match the OTel Prometheus exporter. */
export interface ExpositionOptions {
  /** Extra MetricProducers read at every scrape (register() passes the observed-series producer). */
  metricProducers?: MetricProducer[];
  /** Drop `target_info` (default false). */
  withoutTargetInfo?: boolean;
  /** Drop the `otel_scope_name`/`otel_scope_version` labels (default false: the Collector path keeps them). */
  withoutScopeInfo?: boolean;
  /** Resource attributes (matched by key) copied onto every sample. */
  withResourceConstantLabels?: RegExp;
  /** The registry that records the scrape's self-metrics (default: the default registry). */
  registry?: FluxRegistry;
  /**
   * Instead of `registry`: the provider whose registry records the self-metrics, resolved at scrape time
   * because the reader exists before its provider.
   */
  meterProvider?: () => MeterProvider | undefined;
  /** node:cluster / worker_threads: serve this process's metrics merged with its workers' (docs/cluster.md). */
  workers?: Pick<WorkerMetrics, 'merge'>;
}

/** One rendered scrape: the text, its sample count and how long it took. */
export interface Scrape {
  readonly text: string;
  readonly series: number;
  readonly seconds: number;
}

/** Counts sample lines: every non-empty line that is not a `#` comment. */
export function countSamples(text: string): number {
  let samples = 0;
  let lineStart = 0;
  while (lineStart < text.length) {
    const end = text.indexOf('\n', lineStart);
    const next = end === -1 ? text.length : end;
    if (next > lineStart && text.charCodeAt(lineStart) !== 35 /* # */) samples++;
    lineStart = next + 1;
  }
  return samples;
}

/**
 * The MetricReader added to the MeterProvider, plus rendering of the exposition text with the scrape's own
 * self-metrics: `flux_metrics_scrape_duration_seconds` and `flux_metrics_series`.
 */
export class ExpositionRenderer {
  readonly reader: PrometheusExporter;
  readonly #serializer: ChunkedSerializer;
  readonly #registry: () => FluxRegistry;
  readonly #workers: ExpositionOptions['workers'];
  #lastSeries = 0;
  #seriesPublished = false;

  constructor(options: ExpositionOptions = {}) {
    this.reader = new PrometheusExporter({
      preventServerStart: true,
      metricProducers: options.metricProducers,
      withoutScopeInfo: options.withoutScopeInfo,
      withoutTargetInfo: options.withoutTargetInfo,
      withResourceConstantLabels: options.withResourceConstantLabels,
    });
    this.#serializer = new ChunkedSerializer(options);
    const { registry, meterProvider } = options;
    this.#registry = registry ? () => registry : () => fluxInstruments(meterProvider?.());
    this.#workers = options.workers;
  }

  async render(): Promise<Scrape> {
    const started = performance.now();
    const own = await this.reader.collect().catch((error: unknown) => {
      this.reportError('a scrape failed', error);
      throw error;
    });
    // A failed callback or producer (or a worker that did not answer): the rest is still worth serving,
    // the failure is counted.
    const { resourceMetrics, errors } = this.#workers
      ? await this.#workers.merge(own.resourceMetrics).then((merged) => ({
          resourceMetrics: merged.resourceMetrics,
          errors: [...own.errors, ...merged.errors],
        }))
      : own;
    for (const error of errors) this.reportError('collection reported an error', error);
    const text = await this.#serializer.serialize(resourceMetrics);
    const seconds = (performance.now() - started) / 1000;
    const series = countSamples(text);
    this.#lastSeries = series;
    this.#recordSelfMetrics(seconds);
    return { text, series, seconds };
  }

  /**
   * Counts an error of the export path in `errors_total{component="metrics"}` (type: its errno code when
   * the catalog knows it, else `internal`) and logs it to the OTel diagnostic log — never to a scraper.
   */
  reportError(what: string, error: unknown): void {
    const code = (error as { code?: unknown } | null)?.code;
    const type = ERROR_TYPES.includes(code as ErrorType) ? (code as ErrorType) : 'internal';
    this.#registry().get('errors_total').record(1, { type, component: 'metrics' });
    diag.error(`flux-metrics: Prometheus endpoint: ${what}`, error);
  }

  #recordSelfMetrics(seconds: number): void {
    const instruments = this.#registry();
    instruments.get('flux_metrics_scrape_duration_seconds').record(seconds, {});
    if (!this.#seriesPublished) {
      this.#seriesPublished = true;
      instruments.get('flux_metrics_series').produce((observe) => observe(this.#lastSeries, {}));
    }
  }
}
