import type { Attributes, AttributeValue, HrTime, ValueType } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';

/**
 * One process's metrics as plain data: what a worker sends to the primary. It survives both structured
 * clone (MessagePort) and JSON (cluster IPC), where NaN and ±Infinity would become null, so non-finite
 * numbers travel as the strings `NaN`, `Infinity`, `-Infinity`.
 */
export interface MetricsSnapshot {
  readonly scopes: SnapshotScope[];
}

export interface SnapshotScope {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
  readonly metrics: SnapshotMetric[];
}

export interface SnapshotMetric {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly valueType: ValueType;
  readonly type: 'sum' | 'gauge' | 'histogram';
  /** Sums only: a counter (true) or an up-down counter (false). */
  readonly monotonic: boolean;
  readonly points: SnapshotPoint[];
}

export interface SnapshotHistogram {
  readonly boundaries: number[];
  readonly counts: number[];
  readonly sum: number;
  readonly count: number;
  readonly min?: number;
  readonly max?: number;
}

export interface SnapshotPoint {
  readonly attributes: Attributes;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly value: number | SnapshotHistogram;
}

type Wire = number | string;
const toWire = (n: number): Wire => (Number.isFinite(n) ? n : String(n));

/** A collection as a snapshot in wire form (exponential histograms are left out: Prometheus text has none). */
export function encodeSnapshot(resourceMetrics: ResourceMetrics): unknown {
  return {
    scopes: resourceMetrics.scopeMetrics.map(({ scope, metrics }) => ({
      name: scope.name,
      version: scope.version,
      schemaUrl: scope.schemaUrl,
      metrics: metrics.flatMap((m) => {
        if (m.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM) return [];
        const type =
          m.dataPointType === DataPointType.SUM
            ? 'sum'
            : m.dataPointType === DataPointType.GAUGE
              ? 'gauge'
              : 'histogram';
        return [
          {
            ...m.descriptor,
            type,
            monotonic: m.dataPointType === DataPointType.SUM && m.isMonotonic,
            points: (m.dataPoints as MetricData['dataPoints']).map((p) => ({
              attributes: p.attributes,
              startTime: p.startTime,
              endTime: p.endTime,
              value:
                typeof p.value === 'number'
                  ? toWire(p.value)
                  : 'buckets' in p.value
                    ? {
                        boundaries: p.value.buckets.boundaries.map(toWire),
                        counts: p.value.buckets.counts,
                        sum: toWire(p.value.sum ?? 0),
                        count: p.value.count,
                        min: p.value.min === undefined ? undefined : toWire(p.value.min),
                        max: p.value.max === undefined ? undefined : toWire(p.value.max),
                      }
                    : 0,
            })),
          },
        ];
      }),
    })),
  };
}

function fail(where: string): never {
  throw Object.assign(new Error(`flux-metrics: bad metrics snapshot: ${where}`), { code: 'protocol' });
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where);
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) fail(where);
  return value;
}

function str(value: unknown, where: string): string {
  if (typeof value !== 'string') fail(where);
  return value;
}

function optionalStr(value: unknown, where: string): string | undefined {
  return value === undefined || value === null ? undefined : str(value, where);
}

function num(value: unknown, where: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  fail(where);
}

function count(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(where);
  return value;
}

function hrTime(value: unknown, where: string): HrTime {
  const [s, ns] = list(value, where);
  if (typeof s !== 'number' || typeof ns !== 'number') fail(where);
  return [s, ns];
}

function isAttributeValue(value: unknown): value is AttributeValue {
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return true;
  return (
    Array.isArray(value) &&
    value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
  );
}

// Point-level checks name only the field: the metric and point index are added once, on failure.
function attributes(value: unknown): Attributes {
  const out: Attributes = {};
  for (const [key, v] of Object.entries(record(value, 'attributes'))) {
    if (!isAttributeValue(v)) fail(`attribute ${key}`);
    out[key] = v;
  }
  return out;
}

function histogram(value: unknown): SnapshotHistogram {
  const h = record(value, 'histogram');
  const boundaries = list(h.boundaries, 'boundaries').map((b) => num(b, 'boundaries'));
  const counts = list(h.counts, 'counts').map((c) => count(c, 'counts'));
  if (counts.length !== boundaries.length + 1)
    fail(`${counts.length} counts for ${boundaries.length} boundaries`);
  return {
    boundaries,
    counts,
    sum: num(h.sum, 'sum'),
    count: count(h.count, 'count'),
    min: h.min === undefined || h.min === null ? undefined : num(h.min, 'min'),
    max: h.max === undefined || h.max === null ? undefined : num(h.max, 'max'),
  };
}

function point(raw: unknown, type: SnapshotMetric['type']): SnapshotPoint {
  const p = record(raw, 'point');
  return {
    attributes: attributes(p.attributes),
    startTime: hrTime(p.startTime, 'startTime'),
    endTime: hrTime(p.endTime, 'endTime'),
    value: type === 'histogram' ? histogram(p.value) : num(p.value, 'value'),
  };
}

function metric(value: unknown, where: string): SnapshotMetric {
  const m = record(value, where);
  const name = str(m.name, `${where}.name`);
  const type = m.type;
  if (type !== 'sum' && type !== 'gauge' && type !== 'histogram') fail(`${name}: type`);
  const valueType = m.valueType;
  if (valueType !== 0 && valueType !== 1) fail(`${name}: valueType`);
  const raw = list(m.points, `${name}: points`);
  const points: SnapshotPoint[] = [];
  try {
    for (const p of raw) points.push(point(p, type));
  } catch (error) {
    fail(`${name}[${points.length}]: ${(error as Error).message.replace(/^.*snapshot: /, '')}`);
  }
  return {
    name,
    description: str(m.description, `${name}: description`),
    unit: str(m.unit, `${name}: unit`),
    valueType: valueType as ValueType,
    type,
    monotonic: m.monotonic === true,
    points,
  };
}

/**
 * Checks a message from another process and rebuilds it as a snapshot (nothing of the input is kept, so a
 * later change to the message cannot reach the merge). Throws an Error (code `protocol`) saying where.
 */
export function decodeSnapshot(value: unknown): MetricsSnapshot {
  const scopes = list(record(value, 'snapshot').scopes, 'scopes').map((raw, i) => {
    const s = record(raw, `scopes[${i}]`);
    return {
      name: str(s.name, `scopes[${i}].name`),
      version: optionalStr(s.version, `scopes[${i}].version`),
      schemaUrl: optionalStr(s.schemaUrl, `scopes[${i}].schemaUrl`),
      metrics: list(s.metrics, `scopes[${i}].metrics`).map((m, j) => metric(m, `scopes[${i}].metrics[${j}]`)),
    };
  });
  return { scopes };
}

/** A snapshot as the OTel data the Prometheus serializer reads, under the given resource. */
export function toResourceMetrics(
  snapshot: MetricsSnapshot,
  resource: ResourceMetrics['resource'],
): ResourceMetrics {
  return {
    resource,
    scopeMetrics: snapshot.scopes.map((s) => ({
      scope: { name: s.name, version: s.version, schemaUrl: s.schemaUrl },
      metrics: s.metrics.map((m): MetricData => {
        const descriptor = { name: m.name, description: m.description, unit: m.unit, valueType: m.valueType };
        const aggregationTemporality = AggregationTemporality.CUMULATIVE;
        const points = m.points.map((p) => ({
          attributes: p.attributes,
          startTime: p.startTime,
          endTime: p.endTime,
        }));
        if (m.type === 'histogram') {
          return {
            descriptor,
            aggregationTemporality,
            dataPointType: DataPointType.HISTOGRAM,
            dataPoints: m.points.map((p, i) => {
              const h = p.value as SnapshotHistogram;
              const value = {
                buckets: { boundaries: h.boundaries, counts: h.counts },
                sum: h.sum,
                count: h.count,
                min: h.min,
                max: h.max,
              };
              return { ...points[i]!, value };
            }),
          };
        }
        const dataPoints = m.points.map((p, i) => ({ ...points[i]!, value: p.value as number }));
        return m.type === 'sum'
          ? {
              descriptor,
              aggregationTemporality,
              dataPointType: DataPointType.SUM,
              isMonotonic: m.monotonic,
              dataPoints,
            }
          : { descriptor, aggregationTemporality, dataPointType: DataPointType.GAUGE, dataPoints };
      }),
    })),
  };
}
