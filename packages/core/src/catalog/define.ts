import { LATENCY_OBJECTIVES } from './slo.js';
import type { InstrumentKind, MetricDefinition } from './types.js';

const DEFAULT_CARDINALITY_LIMIT = 2000;

type Input<N extends string, K extends InstrumentKind, L extends string> = Omit<
  MetricDefinition<N, K, L>,
  'cardinalityLimit' | 'recordedBy' | 'origin'
> &
  Partial<Pick<MetricDefinition<N, K, L>, 'cardinalityLimit' | 'recordedBy' | 'origin'>>;

/**
 * Declares one catalog entry, keeping its literal name, kind and label names in the type. An app declares
 * its own the same way (recordedBy defaults to `app`) and adds them with `registry.define()`.
 */
export function defineMetric<
  const N extends string,
  const K extends InstrumentKind,
  const L extends string = never,
>(input: Input<N, K, L>): MetricDefinition<N, K, L> {
  const buckets =
    input.kind === 'histogram' ? withObjectiveBoundaries(input.name, input.buckets ?? []) : input.buckets;
  return Object.freeze({
    ...input,
    ...(buckets ? { buckets } : {}),
    cardinalityLimit: input.cardinalityLimit ?? DEFAULT_CARDINALITY_LIMIT,
    recordedBy: input.recordedBy ?? (['app'] as const),
    origin: input.origin ?? 'app',
  });
}

/** The design's buckets plus a boundary exactly at every SLO threshold on this histogram, sorted. */
function withObjectiveBoundaries(name: string, design: readonly number[]): readonly number[] {
  if (design.length === 0) throw new Error(`histogram ${name} needs explicit buckets`);
  const thresholds = LATENCY_OBJECTIVES.filter((o) => o.metric === name).map((o) => o.thresholdSeconds);
  return Object.freeze([...new Set([...design, ...thresholds])].sort((a, b) => a - b));
}
