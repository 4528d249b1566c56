import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import {
  DataPointType,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { expositionName } from './observed-writer.js';

/** The exposition family a metric lands in (the exporter's naming). */
function familyName(metric: MetricData): string {
  return expositionName(
    metric.descriptor.name,
    metric.dataPointType === DataPointType.SUM && metric.isMonotonic,
  );
}

/** Data points serialized between two yields: about a millisecond of work. */
const SLICE = 250;

/** One piece of the exposition; a continuation repeats its family's header, which is then cut. */
interface Chunk {
  readonly resourceMetrics: ResourceMetrics;
  readonly continuation: boolean;
}

/**
 * Splits a collection into one piece per family (keeping first-seen order and every scope), and a family of
 * a single metric with many points (one series per stream) into slices of SLICE points.
 */
function chunksOf(resourceMetrics: ResourceMetrics): Chunk[] {
  const { resource } = resourceMetrics;
  const groups = new Map<string, ScopeMetrics[]>();
  for (const { scope, metrics } of resourceMetrics.scopeMetrics) {
    for (const metric of metrics) {
      const name = familyName(metric);
      let group = groups.get(name);
      if (!group) groups.set(name, (group = []));
      group.push({ scope, metrics: [metric] });
    }
  }
  const chunks: Chunk[] = [];
  for (const group of groups.values()) {
    const only = group.length === 1 ? group[0]! : undefined;
    const metric = only?.metrics[0];
    if (!only || !metric || metric.dataPoints.length <= SLICE) {
      chunks.push({ resourceMetrics: { resource, scopeMetrics: group }, continuation: false });
      continue;
    }
    for (let i = 0; i < metric.dataPoints.length; i += SLICE) {
      const slice = { ...metric, dataPoints: metric.dataPoints.slice(i, i + SLICE) } as MetricData;
      chunks.push({
        resourceMetrics: { resource, scopeMetrics: [{ scope: only.scope, metrics: [slice] }] },
        continuation: i > 0,
      });
    }
  }
  return chunks;
}

/** Drops the `# HELP` / `# UNIT` / `# TYPE` lines that open a continuation slice. */
function withoutHeader(text: string): string {
  let start = 0;
  while (text.startsWith('# ', start)) start = text.indexOf('\n', start) + 1;
  return text.slice(start);
}

export interface SerializerOptions {
  withResourceConstantLabels?: RegExp;
  withoutTargetInfo?: boolean;
  withoutScopeInfo?: boolean;
}

/**
 * The OTel Prometheus serializer, run one family (or slice of SLICE points) at a time with a yield to the
 * event loop in between: the output is the same text, but a scrape of tens of thousands of series no longer
 * blocks the loop that carries media for its whole duration, only for about a millisecond at a time.
 */
export class ChunkedSerializer {
  readonly #first: PrometheusSerializer;
  readonly #rest: PrometheusSerializer;

  constructor(options: SerializerOptions = {}) {
    const { withResourceConstantLabels, withoutTargetInfo, withoutScopeInfo } = options;
    this.#first = new PrometheusSerializer(
      '',
      false,
      withResourceConstantLabels,
      withoutTargetInfo,
      withoutScopeInfo,
    );
    // target_info is written once, with the first family.
    this.#rest = new PrometheusSerializer('', false, withResourceConstantLabels, true, withoutScopeInfo);
  }

  async serialize(resourceMetrics: ResourceMetrics): Promise<string> {
    const parts: string[] = [];
    for (const piece of this.pieces(resourceMetrics)) {
      if (parts.length > 0) await yieldToEventLoop();
      parts.push(piece);
    }
    return parts.join('');
  }

  /**
   * The text in pieces, one family (or slice of SLICE points) each: yield to the event loop between them.
   * With `noMetricsLine` false, a collection without metrics gives target_info alone, for a caller that
   * writes more families after it.
   */
  *pieces(resourceMetrics: ResourceMetrics, noMetricsLine = true): Generator<string> {
    const chunks = chunksOf(resourceMetrics);
    if (chunks.length === 0) {
      const text = this.#first.serialize(resourceMetrics);
      yield noMetricsLine ? text : text.slice(0, text.length - NO_REGISTERED_METRICS.length);
      return;
    }
    for (let i = 0; i < chunks.length; i++) {
      const { resourceMetrics: piece, continuation } = chunks[i]!;
      const text = (i === 0 ? this.#first : this.#rest).serialize(piece);
      yield continuation ? withoutHeader(text) : text;
    }
  }
}

/** What the OTel serializer writes when a collection holds no metric. */
export const NO_REGISTERED_METRICS = '# no registered metrics';
