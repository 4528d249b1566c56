import type { Attributes, HrTime } from '@opentelemetry/api';
import type { WorkerAggregation } from '@flux-metrics/core';
import type { MetricsSnapshot, SnapshotHistogram, SnapshotMetric, SnapshotPoint } from './snapshot.js';

/** The label that tells apart the series of a `perWorker` metric. */
export const WORKER_LABEL = 'worker';

/** One process's snapshot and the value of its `worker` label. */
export interface WorkerSnapshot {
  readonly worker: string;
  readonly snapshot: MetricsSnapshot;
}

export type AggregationOf = (metric: SnapshotMetric) => WorkerAggregation;

interface MergedMetric {
  readonly meta: SnapshotMetric;
  readonly aggregation: WorkerAggregation;
  readonly points: Map<string, SnapshotPoint>;
}

/** Histograms always add up; everything else follows the policy. */
function effectiveAggregation(metric: SnapshotMetric, aggregationOf: AggregationOf): WorkerAggregation {
  return metric.type === 'histogram' ? 'sum' : aggregationOf(metric);
}

/**
 * The series whose aggregate must never fall back: counters and histograms that sum. A worker that stops
 * answering (timeout, exit) keeps contributing these from its last answer; its gauges end with it.
 */
export function cumulativeOnly(snapshot: MetricsSnapshot, aggregationOf: AggregationOf): MetricsSnapshot {
  return {
    scopes: snapshot.scopes.map((s) => ({
      ...s,
      metrics: s.metrics.filter(
        (m) =>
          (m.type === 'histogram' || (m.type === 'sum' && m.monotonic)) &&
          effectiveAggregation(m, aggregationOf) === 'sum',
      ),
    })),
  };
}

const earlier = (a: HrTime, b: HrTime): HrTime => (a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]) ? a : b);
const later = (a: HrTime, b: HrTime): HrTime => (earlier(a, b) === a ? b : a);

/** The identity of a label set, whatever the order of its keys (JSON text: no two sets share one). */
function seriesKey(attributes: Attributes): string {
  let key = '';
  for (const name of Object.keys(attributes).sort()) {
    key += `${JSON.stringify(name)}:${JSON.stringify(attributes[name])},`;
  }
  return key;
}

function sameBoundaries(a: SnapshotHistogram, b: SnapshotHistogram): boolean {
  return a.boundaries.length === b.boundaries.length && a.boundaries.every((x, i) => x === b.boundaries[i]);
}

const optional = (a: number | undefined, b: number | undefined, pick: (x: number, y: number) => number) =>
  a === undefined ? b : b === undefined ? a : pick(a, b);

/** Combines one series' two values, or returns undefined when they cannot be (histogram buckets differ). */
function combine(
  a: number | SnapshotHistogram,
  b: number | SnapshotHistogram,
  aggregation: WorkerAggregation,
): number | SnapshotHistogram | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    if (aggregation === 'max') return Math.max(a, b);
    if (aggregation === 'min') return Math.min(a, b);
    return a + b;
  }
  if (typeof a === 'number' || typeof b === 'number' || !sameBoundaries(a, b)) return undefined;
  return {
    boundaries: a.boundaries,
    counts: a.counts.map((c, i) => c + (b.counts[i] ?? 0)),
    sum: a.sum + b.sum,
    count: a.count + b.count,
    min: optional(a.min, b.min, Math.min),
    max: optional(a.max, b.max, Math.max),
  };
}

/**
 * Merges the snapshots of several processes into one, per scope, metric and label set: sums add up
 * (counters, histogram buckets/sum/count), gauges follow `aggregationOf` (`perWorker` adds the `worker`
 * label). A metric or series that cannot merge (same name, other type; other bucket boundaries) keeps the
 * first process's version, and `onConflict` hears about the rest.
 */
export function mergeSnapshots(
  inputs: readonly WorkerSnapshot[],
  aggregationOf: AggregationOf,
  onConflict: (what: string) => void,
): MetricsSnapshot {
  const scopes = new Map<
    string,
    { name: string; version?: string; schemaUrl?: string; metrics: Map<string, MergedMetric> }
  >();
  for (const { worker, snapshot } of inputs) {
    for (const scope of snapshot.scopes) {
      const scopeKey = JSON.stringify([scope.name, scope.version ?? '', scope.schemaUrl ?? '']);
      let merged = scopes.get(scopeKey);
      if (!merged) scopes.set(scopeKey, (merged = { ...scope, metrics: new Map() }));
      for (const metric of scope.metrics) {
        let target = merged.metrics.get(metric.name);
        if (!target) {
          const aggregation = effectiveAggregation(metric, aggregationOf);
          merged.metrics.set(metric.name, (target = { meta: metric, aggregation, points: new Map() }));
        } else if (target.meta.type !== metric.type || target.meta.monotonic !== metric.monotonic) {
          onConflict(
            `${metric.name} is a ${target.meta.type} in one worker and a ${metric.type} in worker ${worker}`,
          );
          continue;
        }
        for (const point of metric.points) {
          const attributes =
            target.aggregation === 'perWorker'
              ? { ...point.attributes, [WORKER_LABEL]: worker }
              : point.attributes;
          const key = seriesKey(attributes);
          const seen = target.points.get(key);
          if (!seen) {
            target.points.set(key, { ...point, attributes });
            continue;
          }
          const value = combine(seen.value, point.value, target.aggregation);
          if (value === undefined) {
            onConflict(`${metric.name}: worker ${worker} has other histogram buckets`);
            continue;
          }
          target.points.set(key, {
            attributes,
            startTime: earlier(seen.startTime, point.startTime),
            endTime: later(seen.endTime, point.endTime),
            value,
          });
        }
      }
    }
  }
  return {
    scopes: [...scopes.values()].map((s) => ({
      name: s.name,
      version: s.version,
      schemaUrl: s.schemaUrl,
      metrics: [...s.metrics.values()].map((m) => ({ ...m.meta, points: [...m.points.values()] })),
    })),
  };
}
