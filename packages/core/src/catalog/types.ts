/**
 * Types of the metric catalog: the single source of truth for names, units, labels and buckets.
 * The name is the final Prometheus name on both export paths (see docs/metrics.md, "Naming").
 */

/** How a label value is made safe: every rule bounds both the value's shape and the number of values. */
export type LabelRule =
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly fallback: string }
  | { readonly kind: 'status' }
  | { readonly kind: 'stream' }
  | { readonly kind: 'route' }
  | { readonly kind: 'text'; readonly maxValues: number }
  /** The name of a catalog metric (self-metrics); anything else becomes `other`. */
  | { readonly kind: 'metricName' }
  /** A label name of the catalog (self-metrics); anything else becomes `other`. */
  | { readonly kind: 'labelName' };

/** OpenTelemetry instrument kinds used by the catalog. */
export type InstrumentKind =
  | 'counter'
  | 'upDownCounter'
  | 'histogram'
  | 'gauge'
  | 'observableCounter'
  | 'observableUpDownCounter'
  | 'observableGauge';

/** Units that the Collector's translator leaves alone when the name already carries them. */
export type MetricUnit = 's' | 'By' | '1' | `{${string}}`;

/**
 * How a gauge-typed series combines across processes that share one endpoint (node:cluster workers,
 * worker_threads): `sum` (active_* counts), `max`/`min` (host-wide values every process reads alike),
 * `perWorker` (one series per process, told apart by a `worker` label). Histograms always sum; a counter
 * sums unless every process reads the same host-wide total (`max`).
 */
export type WorkerAggregation = 'sum' | 'max' | 'min' | 'perWorker';

/** The package that records a metric. */
export type RecordedBy = 'core' | 'node' | 'prometheus' | 'rtsp' | 'srt' | 'storage' | 'app';

export interface MetricDefinition<
  N extends string = string,
  K extends InstrumentKind = InstrumentKind,
  L extends string = string,
> {
  readonly name: N;
  readonly kind: K;
  readonly unit: MetricUnit;
  readonly help: string;
  readonly labels: { readonly [P in L]: LabelRule };
  /** Explicit bucket boundaries, histograms only; SLO thresholds are merged in by `histogram()`. */
  readonly buckets?: readonly number[];
  /** Series limit per metric (an overflow series `otel_metric_overflow="true"` takes the rest). */
  readonly cardinalityLimit: number;
  readonly recordedBy: readonly RecordedBy[];
  /** Where the metric comes from: the design's table, an alert/SLO that needs it, or a helper issue. */
  readonly origin: string;
  /** How series of several workers combine; host-wide readings say `max` (default: `workerAggregation`). */
  readonly aggregate?: WorkerAggregation;
  /** Anything a reader of the reference must know (e.g. why a design Summary became a histogram). */
  readonly note?: string;
}

/** The Prometheus type that a kind becomes on both export paths. */
export function prometheusType(kind: InstrumentKind): 'counter' | 'gauge' | 'histogram' {
  switch (kind) {
    case 'counter':
    case 'observableCounter':
      return 'counter';
    case 'histogram':
      return 'histogram';
    default:
      return 'gauge';
  }
}

/**
 * How a metric's series combine across workers: its catalog `aggregate`, else counters, histograms and
 * up-down counters (active_* counts) sum and a gauge stays one series per worker, which is never wrong.
 * Histograms always sum.
 */
export function workerAggregation(def: Pick<MetricDefinition, 'kind' | 'aggregate'>): WorkerAggregation {
  if (def.kind === 'histogram') return 'sum';
  if (def.aggregate) return def.aggregate;
  return def.kind === 'gauge' || def.kind === 'observableGauge' ? 'perWorker' : 'sum';
}
