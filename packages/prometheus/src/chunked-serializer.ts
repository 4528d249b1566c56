import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import {
  DataPointType,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';

/** The exposition family a metric lands in (the exporter's naming: sanitized, `_total` on monotonic sums). */
function familyName(metric: MetricData): string {
  let name = metric.descriptor.name.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');
  if (metric.dataPointType === DataPointType.SUM && metric.isMonotonic && !name.endsWith('_total'))
    name += '_total';
  return name;
}

/** Splits a collection into one ResourceMetrics per family, keeping first-seen order and every scope. */
function byFamily(resourceMetrics: ResourceMetrics): ResourceMetrics[] {
  const groups = new Map<string, ScopeMetrics[]>();
  for (const { scope, metrics } of resourceMetrics.scopeMetrics) {
    for (const metric of metrics) {
      const name = familyName(metric);
      let group = groups.get(name);
      if (!group) groups.set(name, (group = []));
      group.push({ scope, metrics: [metric] });
    }
  }
  return [...groups.values()].map((scopeMetrics) => ({ resource: resourceMetrics.resource, scopeMetrics }));
}

export interface SerializerOptions {
  withResourceConstantLabels?: RegExp;
  withoutTargetInfo?: boolean;
  withoutScopeInfo?: boolean;
}

/**
 * The OTel Prometheus serializer, run one metric family at a time with a yield to the event loop in
 * between: the output is the same text, but a scrape of tens of thousands of series no longer blocks the
 * loop that carries media for its whole duration, only for one family at a time.
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
    const chunks = byFamily(resourceMetrics);
    if (chunks.length === 0) return this.#first.serialize(resourceMetrics);
    const parts: string[] = [];
    for (let i = 0; i < chunks.length; i++) {
      if (i > 0) await yieldToEventLoop();
      parts.push((i === 0 ? this.#first : this.#rest).serialize(chunks[i]!));
    }
    return parts.join('');
  }
}
