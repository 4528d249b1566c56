import type { Attributes } from '@opentelemetry/api';
import type { MetricDefinition } from '../catalog/types.js';
import type { LabelGuard } from '../labels/guard.js';
import type { ObservedSeries, SeriesVisitor } from './observed-family.js';
import type { ObservedReader } from './observed-reader.js';
import { invalidReason, type SelfReport } from './self-report.js';

/** Label values a caller passes: one per catalog label name. Numbers are allowed (status codes). */
export type LabelValues<L extends string> = { readonly [K in L]: string | number };

/**
 * One series of a synchronous instrument: a sum (counters), the last value (gauges), or bucket counts, sum
 * and count (histograms), updated in place. It lives as long as its instrument, as the SDK's series do.
 */
export class SyncCell implements ObservedSeries {
  value = 0;
  /** Whether a value was ever applied: a series is exported from its first value on, as the SDK does. */
  recorded = false;
  /** Histograms: count per bucket of the catalog's boundaries, the last one up to +Inf. */
  readonly counts: Float64Array;
  count = 0;
  readonly startTime = Date.now();
  prepared: Uint8Array | undefined = undefined;
  preparedFor: unknown = undefined;

  constructor(
    readonly attributes: Attributes,
    buckets: number,
  ) {
    this.counts = new Float64Array(buckets);
  }
}

/** Applies one valid value to a cell, by instrument kind. */
type Apply = (cell: SyncCell, value: number) => void;

const add: Apply = (cell, value) => {
  cell.value += value;
  cell.recorded = true;
};
const set: Apply = (cell, value) => {
  cell.value = value;
  cell.recorded = true;
};

/**
 * The OTel explicit-bucket rule: a value lands in the first bucket whose upper bound is >= it. No min/max:
 * the catalog's views never recorded them either.
 */
function observe(boundaries: readonly number[]): Apply {
  const bounds = Float64Array.from(boundaries);
  const n = bounds.length;
  return (cell, value) => {
    let i = 0;
    while (i < n && bounds[i]! < value) i++;
    cell.counts[i]!++;
    cell.value += value;
    cell.count++;
    cell.recorded = true;
  };
}

/** Whether a value may reach a cell: a finite number, and not negative on a monotonic instrument. */
function accepts(value: number, monotonic: boolean): boolean {
  return typeof value === 'number' && Number.isFinite(value) && (value >= 0 || !monotonic);
}

/** A recording with its labels checked once: a field update on its cell, a few nanoseconds. */
export class BoundInstrument {
  readonly #monotonic: boolean;

  constructor(
    private readonly owner: GuardedInstrument<string>,
    /** @internal */ readonly cell: SyncCell,
    private readonly apply: Apply,
  ) {
    this.#monotonic = owner.monotonic;
  }

  get attributes(): Attributes {
    return this.cell.attributes;
  }

  record(value: number): void {
    if (accepts(value, this.#monotonic)) {
      this.apply(this.cell, value);
    } else {
      this.owner.refuse(value);
    }
  }
}

/**
 * A synchronous catalog instrument behind the catalog's guards: labels bounded, invalid values dropped and
 * counted, nothing ever thrown into the caller. Its series are cells kept by flux-metrics and exported with
 * the observed families (written straight from the cells at a scrape, as ordinary sum, gauge and histogram
 * points on the OTLP path): a record is a map lookup and a field update instead of the SDK's attribute
 * hashing, and a bound record is the field update alone.
 */
export class GuardedInstrument<L extends string> {
  readonly #cells = new Map<string, SyncCell>();
  readonly #apply: Apply;
  readonly #buckets: number;

  constructor(
    readonly definition: MetricDefinition,
    private readonly guard: LabelGuard,
    /** @internal */ readonly monotonic: boolean,
    private readonly report: SelfReport,
  ) {
    const kind = definition.kind;
    const boundaries = definition.buckets ?? [];
    this.#apply = kind === 'histogram' ? observe(boundaries) : kind === 'gauge' ? set : add;
    this.#buckets = kind === 'histogram' ? boundaries.length + 1 : 0;
  }

  get name(): string {
    return this.definition.name;
  }

  /** Adds (counters), records (histograms) or sets (gauges) a value. */
  record(value: number, labels: LabelValues<L>): void {
    if (!accepts(value, this.monotonic)) {
      this.refuse(value);
      return;
    }
    try {
      this.#apply(this.#cell(this.guard(labels)), value);
    } catch {
      this.report.invalid(this.name, 'not_a_number');
    }
  }

  /** Checks the labels once; the returned handle records without label work. */
  bind(labels: LabelValues<L>): BoundInstrument {
    return new BoundInstrument(
      this as GuardedInstrument<string>,
      this.#cell(this.guard(labels)),
      this.#apply,
    );
  }

  /** @internal Counts a value that must not reach a cell. */
  refuse(value: unknown): void {
    this.report.invalid(this.name, invalidReason(value, this.monotonic) ?? 'not_a_number');
  }

  /** Series, for tests and self-metrics. */
  get size(): number {
    return this.#cells.size;
  }

  /** Hands every series that has been recorded to `visitor` (its value; histograms: read the cell). */
  visit(_reader: ObservedReader, visitor: SeriesVisitor): void {
    for (const cell of this.#cells.values()) if (cell.recorded) visitor(cell, cell.value);
  }

  #cell(attributes: Attributes): SyncCell {
    // Guarded attributes always have the catalog's keys in catalog order, so values alone identify them.
    const key = Object.values(attributes).join('\u0000');
    let cell = this.#cells.get(key);
    if (cell === undefined) this.#cells.set(key, (cell = new SyncCell(attributes, this.#buckets)));
    return cell;
  }
}
