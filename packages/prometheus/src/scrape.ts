import type { MeterProvider } from '@opentelemetry/api';
import { fluxInstruments } from '@flux-metrics/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { MetricProducer } from '@opentelemetry/sdk-metrics';
import { ChunkedSerializer } from './chunked-serializer.js';

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
  /**
   * The provider whose flux-metrics meter records the self-metrics; resolved at scrape time because the
   * reader exists before its provider. Default: the global MeterProvider.
   */
  meterProvider?: () => MeterProvider | undefined;
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
  readonly #meterProvider: () => MeterProvider | undefined;
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
    this.#meterProvider = options.meterProvider ?? (() => undefined);
  }

  async render(): Promise<Scrape> {
    const started = performance.now();
    const { resourceMetrics } = await this.reader.collect();
    const text = await this.#serializer.serialize(resourceMetrics);
    const seconds = (performance.now() - started) / 1000;
    const series = countSamples(text);
    this.#lastSeries = series;
    this.#recordSelfMetrics(seconds);
    return { text, series, seconds };
  }

  #recordSelfMetrics(seconds: number): void {
    const instruments = fluxInstruments(this.#meterProvider());
    instruments.get('flux_metrics_scrape_duration_seconds').record(seconds, {});
    if (!this.#seriesPublished) {
      this.#seriesPublished = true;
      instruments.get('flux_metrics_series').produce((observe) => observe(this.#lastSeries, {}));
    }
  }
}
