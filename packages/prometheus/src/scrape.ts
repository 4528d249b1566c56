import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { diag, type Attributes, type MeterProvider } from '@opentelemetry/api';
import {
  ERROR_TYPES,
  fluxInstruments,
  METER_NAME,
  METER_VERSION,
  type ErrorType,
  type FluxRegistry,
  type ObservedReader,
  REGISTRY_PRODUCER,
} from '@flux-metrics/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { MetricProducer, ResourceMetrics } from '@opentelemetry/sdk-metrics';

type Resource = ResourceMetrics['resource'];
import { ChunkedSerializer, NO_REGISTERED_METRICS } from './chunked-serializer.js';
import type { WorkerMetrics } from './cluster/worker-metrics.js';
import { labelText, ObservedWriter } from './observed-writer.js';

/** What goes into the exposition text; the defaults match the OTel Prometheus exporter. */
export interface ExpositionOptions {
  /**
   * Extra MetricProducers read at every scrape. The registry's families are written by the bridge itself,
   * straight from their cells: its observed-series producer (register() passes it) is skipped at the
   * bridge's scrapes unless they merge `workers`, and serves every other collection of `reader`.
   */
  metricProducers?: MetricProducer[];
  /** Drop `target_info` (default false). */
  withoutTargetInfo?: boolean;
  /** Drop the `otel_scope_name`/`otel_scope_version` labels (default false: the Collector path keeps them). */
  withoutScopeInfo?: boolean;
  /** Resource attributes (matched by key) copied onto every sample. */
  withResourceConstantLabels?: RegExp;
  /** The registry exposed, which also records the scrape's self-metrics (default: the default registry). */
  registry?: FluxRegistry;
  /**
   * Instead of `registry`: the provider whose registry is exposed, resolved at scrape time because the
   * reader exists before its provider.
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
 * self-metrics: `flux_metrics_scrape_duration_seconds` and `flux_metrics_series`. The SDK's instruments go
 * through the OTel serializer; the registry's families are written from their cells. The text comes in
 * pieces with a yield to the event loop after each, so a scrape never holds the whole body nor blocks the
 * loop for more than one piece.
 */
export class ExpositionRenderer {
  readonly reader: PrometheusExporter;
  readonly #serializer: ChunkedSerializer;
  readonly #registry: () => FluxRegistry;
  readonly #workers: ExpositionOptions['workers'];
  readonly #withoutScopeInfo: boolean;
  readonly #resourceLabels: RegExp | undefined;
  #observed: { registry: FluxRegistry; reader: ObservedReader } | undefined;
  /** True while this renderer's own collection starts: the registry's producer then gives nothing. */
  #writingDirectly = false;
  /** The scrape in progress: scrapes run one at a time, as a collection must not interleave another. */
  #previous: Promise<void> = Promise.resolve();
  #lastSeries = 0;
  #seriesPublished = false;

  constructor(options: ExpositionOptions = {}) {
    this.reader = new PrometheusExporter({
      preventServerStart: true,
      metricProducers: options.metricProducers?.map((producer) =>
        REGISTRY_PRODUCER in producer ? this.#skippedWhenDirect(producer) : producer,
      ),
      withoutScopeInfo: options.withoutScopeInfo,
      withoutTargetInfo: options.withoutTargetInfo,
      withResourceConstantLabels: options.withResourceConstantLabels,
    });
    this.#serializer = new ChunkedSerializer(options);
    const { registry, meterProvider } = options;
    this.#registry = registry ? () => registry : () => fluxInstruments(meterProvider?.());
    // A registry given by a provider is known at the first scrape (its reader marks it then).
    if (registry || !meterProvider) this.#registry().markExported();
    this.#workers = options.workers;
    this.#withoutScopeInfo = options.withoutScopeInfo ?? false;
    this.#resourceLabels = options.withResourceConstantLabels;
  }

  /** Renders one whole scrape as a string (tests, custom transports). */
  async render(): Promise<Scrape> {
    const started = performance.now();
    const parts: string[] = [];
    let series = 0;
    const decoder = new TextDecoder();
    for await (const piece of this.pieces((n) => (series = n))) {
      // A piece holds whole lines, so it decodes on its own.
      parts.push(typeof piece === 'string' ? piece : decoder.decode(piece));
    }
    return { text: parts.join(''), series, seconds: (performance.now() - started) / 1000 };
  }

  /**
   * One scrape as pieces of text, yielding to the event loop after each; `done` gets the sample count.
   * The collection happens before the first piece, so a failed collection rejects the first `next()`.
   */
  async *pieces(done?: (series: number) => void): AsyncGenerator<string | Uint8Array> {
    const started = performance.now();
    const previous = this.#previous;
    let finished = () => {};
    this.#previous = new Promise<void>((resolve) => (finished = resolve));
    try {
      await previous;
      // MetricReader.collect calls every producer synchronously: the flag covers this collection only.
      this.#writingDirectly = !this.#workers;
      const collection = this.reader.collect();
      this.#writingDirectly = false;
      const own = await collection.catch((error: unknown) => {
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
      let series = 0;
      let empty = resourceMetrics.scopeMetrics.every((scope) => scope.metrics.length === 0);
      // With workers, the registry's series came through the producer and were merged with theirs.
      for (const piece of this.#serializer.pieces(resourceMetrics, this.#workers !== undefined)) {
        series += countSamples(piece);
        yield piece;
        await yieldToEventLoop();
      }
      if (!this.#workers) {
        const writer = new ObservedWriter(this.#extraLabels(resourceMetrics));
        const registry = this.#registry();
        if (this.#observed?.registry !== registry) {
          this.#observed = { registry, reader: registry.openReader() };
        }
        const { reader } = this.#observed;
        for (const family of registry.exportedFamilies(reader)) {
          const out: Uint8Array[] = [];
          const samples = writer.write(family, reader, out);
          series += samples;
          empty &&= samples === 0;
          for (const piece of out) {
            yield piece;
            await yieldToEventLoop();
          }
        }
        if (empty) yield NO_REGISTERED_METRICS;
      }
      this.#lastSeries = series;
      this.#recordSelfMetrics((performance.now() - started) / 1000);
      done?.(series);
    } finally {
      finished();
    }
  }

  #skippedWhenDirect(producer: MetricProducer): MetricProducer {
    return {
      collect: (options) =>
        this.#writingDirectly
          ? // The resource is ignored: MetricReader.collect keeps the SDK's and adds producers' scopes.
            Promise.resolve({
              resourceMetrics: { resource: undefined as unknown as Resource, scopeMetrics: [] },
              errors: [],
            })
          : producer.collect(options),
    };
  }

  /** The labels the serializer adds to every sample: scope info, then the resource's constant labels. */
  #extraLabels(resourceMetrics: ResourceMetrics): string {
    const extra: Attributes = this.#withoutScopeInfo
      ? {}
      : { 'otel.scope.name': METER_NAME, 'otel.scope.version': METER_VERSION };
    const pattern = this.#resourceLabels;
    if (pattern) {
      for (const [key, value] of Object.entries(resourceMetrics.resource.attributes)) {
        if (key.match(pattern)) extra[key] = value;
      }
    }
    return labelText(extra);
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
