import type { Attributes } from '@opentelemetry/api';
import type { MetricDefinition } from '../catalog/types.js';
import { labelLimits, type LabelGuard } from '../labels/guard.js';
import type { LabelValues } from './guarded.js';
import { invalidReason, type SelfReport } from './self-report.js';

/**
 * One series of an observable instrument, held by the code that produces it. The hot path does plain
 * arithmetic on `value` (a field increment costs nanoseconds); the SDK reads it at collection time.
 */
export class Cell {
  value = 0;
  /** @internal holders of this cell */
  refs = 0;
  /** @internal when the last holder let go */
  releasedAt = 0;
  /** Start of this series' cumulative count (ms since the epoch): a series created again starts anew. */
  readonly startTime = Date.now();
  constructor(readonly attributes: Attributes) {}
}

/** How long a released series stays exported, so rate() sees its last increase before it disappears. */
export const seriesRetention = { counterMs: 5 * 60_000, gaugeMs: 0 };

type Producer = (observe: (value: number, labels: unknown) => void) => void;

/** One sample of an observed metric at collection time. */
export interface ObservedPoint {
  readonly attributes: Attributes;
  readonly value: number;
  /** Start of the series' cumulative count, in milliseconds since the epoch. */
  readonly startTime: number;
}

/**
 * The series of one observable catalog metric: cells held by live sessions, streams or volumes, plus
 * producers computed at collection time. Released cells are dropped after the retention time, so memory
 * stays flat while names come and go; a counter cell shared by a stream keeps its total while sessions end.
 *
 * Families are published by the flux-metrics MetricProducer (`@flux-metrics/node`), not through OTel
 * observable instruments: the OTel JS SDK keeps every cumulative series it has ever reported, so series of
 * streams that are gone could never be dropped.
 */
export class ObservedFamily<L extends string> {
  readonly #cells = new Map<string, Cell>();
  readonly #producers = new Set<Producer>();
  /** When each series of the producers first appeared; one missing from a collection starts anew. */
  #producedSince = new Map<string, number>();

  /** Labels holding stream names: each series holds its names in the name bound while it exists. */
  readonly #streamLabels: string[];

  constructor(
    readonly definition: MetricDefinition,
    private readonly guard: LabelGuard,
    private readonly monotonic: boolean,
    private readonly report: SelfReport,
  ) {
    this.#streamLabels = Object.entries(definition.labels)
      .filter(([, rule]) => rule.kind === 'stream')
      .map(([name]) => name);
  }

  get name(): string {
    return this.definition.name;
  }

  /** The cell of a label set, shared by every holder of the same labels; call `release` when done. */
  cell(labels: LabelValues<L>): Cell {
    const attributes = this.guard(labels);
    const key = keyOf(attributes);
    let cell = this.#cells.get(key);
    if (!cell) {
      cell = new Cell(attributes);
      this.#cells.set(key, cell);
      // The name bound counts names in use by any family: this series keeps its names admitted.
      for (const label of this.#streamLabels) labelLimits.streamNames.hold(String(attributes[label]));
    }
    cell.refs++;
    return cell;
  }

  /** Counts `n` on a series without holding it (a stream stopped, a late report): it stays for the retention time. */
  add(labels: LabelValues<L>, n: number): void {
    const cell = this.cell(labels);
    cell.value += n;
    this.release(cell);
  }

  release(cell: Cell): void {
    if (cell.refs > 0 && --cell.refs === 0) cell.releasedAt = Date.now();
  }

  /** Adds values computed at collection time; returns a function that removes the producer. */
  produce(producer: (observe: (value: number, labels: LabelValues<L>) => void) => void): () => void {
    const p = producer as Producer;
    this.#producers.add(p);
    return () => this.#producers.delete(p);
  }

  /** Live series, for tests and self-metrics. */
  get size(): number {
    return this.#cells.size;
  }

  /** Reads every live series; drops cells released longer ago than the retention time. */
  collect(): ObservedPoint[] {
    const points: ObservedPoint[] = [];
    const now = Date.now();
    const retention = this.monotonic ? seriesRetention.counterMs : seriesRetention.gaugeMs;
    for (const [key, cell] of this.#cells) {
      if (cell.refs === 0 && now - cell.releasedAt >= retention) {
        this.#cells.delete(key);
        for (const label of this.#streamLabels)
          labelLimits.streamNames.release(String(cell.attributes[label]));
        continue;
      }
      this.#observe(points, cell.value, cell.attributes, cell.startTime);
    }
    // Two sources of one label set (say, a disk path watched by system and storage metrics) would make
    // duplicate samples, and Prometheus rejects a whole scrape for one: the first source wins.
    const since = new Map<string, number>();
    const observe = (value: number, labels: unknown) => {
      const attributes = this.guard(labels);
      const key = keyOf(attributes);
      if (this.#cells.has(key) || since.has(key)) return;
      const startTime = this.#producedSince.get(key) ?? now;
      since.set(key, startTime);
      this.#observe(points, value, attributes, startTime);
    };
    for (const producer of this.#producers) {
      try {
        producer(observe);
      } catch {
        this.report.invalid(this.name, 'not_a_number');
      }
    }
    this.#producedSince = since;
    return points;
  }

  #observe(points: ObservedPoint[], value: number, attributes: Attributes, startTime: number): void {
    const reason = invalidReason(value, this.monotonic);
    if (reason === undefined) points.push({ attributes, value, startTime });
    else this.report.invalid(this.name, reason);
  }
}

function keyOf(attributes: Attributes): string {
  // Guarded attributes always have the catalog's keys in catalog order, so values alone identify them.
  return Object.values(attributes).join('\u0000');
}
