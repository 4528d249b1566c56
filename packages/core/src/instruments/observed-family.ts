import type { Attributes } from '@opentelemetry/api';
import type { MetricDefinition } from '../catalog/types.js';
import type { BoundedValueSet } from '../labels/bounded-set.js';
import type { LabelGuard } from '../labels/guard.js';
import type { LabelValues } from './guarded.js';
import { collectionsBegun, type ObservedReader, type ObservedReaders } from './observed-reader.js';
import { invalidReason, type InvalidReason, type SelfReport } from './self-report.js';

/**
 * A series as an exporter sees it. An exporter may keep bytes it derived from the series (its escaped label
 * text) in `prepared`, tagged with `preparedFor`, so they are built once per series, not per scrape.
 */
export interface ObservedSeries {
  readonly attributes: Attributes;
  /** Start of the series' cumulative count, in milliseconds since the epoch. */
  readonly startTime: number;
  prepared: Uint8Array | undefined;
  preparedFor: unknown;
}

/** Called once per series a collection reads, with its value. */
export type SeriesVisitor = (series: ObservedSeries, value: number) => void;

/**
 * One series of an observable instrument, held by the code that produces it. The hot path does plain
 * arithmetic on `value` (a field increment costs nanoseconds); the SDK reads it at collection time.
 */
export class Cell implements ObservedSeries {
  value = 0;
  /** @internal holders of this cell */
  refs = 0;
  /** @internal when the last holder let go */
  releasedAt = 0;
  /** @internal collections begun (by any reader) before the last holder let go */
  releasedAfter = 0;
  /** @internal why the value was invalid at the last collection, so one bad value is counted once */
  invalid: InvalidReason | undefined;
  /** Start of this series' cumulative count (ms since the epoch): a series created again starts anew. */
  readonly startTime = Date.now();
  prepared: Uint8Array | undefined = undefined;
  preparedFor: unknown = undefined;
  constructor(readonly attributes: Attributes) {}
}

/**
 * How long a released series stays exported, so rate() sees its last increase before it disappears; a
 * released counter also stays until every reader that collected within `readerIdleMs` has read it.
 */
export const seriesRetention: RetentionSettings = {
  counterMs: 5 * 60_000,
  gaugeMs: 0,
  readerIdleMs: 10 * 60_000,
};

export interface RetentionSettings {
  counterMs: number;
  gaugeMs: number;
  readerIdleMs: number;
}

/** @internal What a family shares with the other families of its registry. */
export interface FamilyContext {
  readonly readers: ObservedReaders;
  readonly retention: RetentionSettings;
  /** The stream-name bound: a series holds its stream names in it while it exists. */
  readonly streamNames: BoundedValueSet;
}

/** Computes values at collection time; `reader` is who collects (for values kept per reader, see PerReader). */
export type Producer<L extends string> = (
  observe: (value: number, labels: LabelValues<L>) => void,
  reader: ObservedReader,
) => void;

/** One sample of an observed metric at collection time. */
export interface ObservedPoint {
  readonly attributes: Attributes;
  readonly value: number;
  /** Start of the series' cumulative count, in milliseconds since the epoch. */
  readonly startTime: number;
}

/** A series of the producers: when it first appeared and why its value was invalid last time. */
interface ProducedSeries extends ObservedSeries {
  invalid: InvalidReason | undefined;
}

/**
 * The series of one observable catalog metric: cells held by live sessions, streams or volumes, plus
 * producers computed at collection time. Released cells are dropped after the retention time, so memory
 * stays flat while names come and go; a counter cell shared by a stream keeps its total while sessions end.
 * Any number of readers may collect: what one reader sees never depends on when the others collect.
 *
 * Families are published by the flux-metrics MetricProducer (`@flux-metrics/node`), not through OTel
 * observable instruments: the OTel JS SDK keeps every cumulative series it has ever reported, so series of
 * streams that are gone could never be dropped.
 */
export class ObservedFamily<L extends string> {
  readonly #cells = new Map<string, Cell>();
  /** Each producer, and whether it threw at the last collection (a failing producer is counted once). */
  readonly #producers = new Map<Producer<L>, boolean>();
  /** The producers' series of the last collection; one missing from a collection starts anew. */
  #produced = new Map<string, ProducedSeries>();

  /** Labels holding stream names: each series holds its names in the name bound while it exists. */
  readonly #streamLabels: string[];

  constructor(
    readonly definition: MetricDefinition,
    private readonly guard: LabelGuard,
    private readonly monotonic: boolean,
    private readonly report: SelfReport,
    private readonly context: FamilyContext,
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
      for (const label of this.#streamLabels) this.context.streamNames.hold(String(attributes[label]));
    }
    cell.refs++;
    return cell;
  }

  /**
   * Counts `n` on a series without holding it (a stream stopped, a late report): it stays for the retention
   * time. A value `record()` would refuse (not a number, NaN, infinite, negative on a counter) is counted in
   * flux_metrics_invalid_measurements_total instead, and the series is not touched.
   */
  add(labels: LabelValues<L>, n: number): void {
    if (this.#refused(n)) return;
    const cell = this.cell(labels);
    cell.value += n;
    this.release(cell);
  }

  /** Adds `n` to a held cell, checked like `add()`; false when `n` was refused (and counted). */
  addTo(cell: Cell, n: number): boolean {
    if (this.#refused(n)) return false;
    cell.value += n;
    return true;
  }

  /** Sets a held gauge cell to `value`, checked like `add()`; false when `value` was refused (and counted). */
  setTo(cell: Cell, value: number): boolean {
    if (this.#refused(value)) return false;
    cell.value = value;
    return true;
  }

  /** True (and counted) for a value that must not reach a cell: one bad value would poison its series. */
  #refused(value: unknown): boolean {
    const reason = invalidReason(value, this.monotonic);
    if (reason === undefined) return false;
    this.report.invalid(this.name, reason);
    return true;
  }

  release(cell: Cell): void {
    if (cell.refs > 0 && --cell.refs === 0) {
      cell.releasedAt = Date.now();
      cell.releasedAfter = collectionsBegun();
    }
  }

  /** Adds values computed at collection time; returns a function that removes the producer. */
  produce(producer: Producer<L>): () => void {
    this.#producers.set(producer, false);
    return () => this.#producers.delete(producer);
  }

  /** Live series, for tests and self-metrics. */
  get size(): number {
    return this.#cells.size;
  }

  /**
   * Reads every live series for one reader, after `reader.begin()`. A released counter is read for the
   * retention time, and once more by a reader that has not collected since the release (its final value);
   * it is dropped when both are over for every reader. A released gauge is stale: dropped at once.
   */
  collect(reader: ObservedReader): ObservedPoint[] {
    const points: ObservedPoint[] = [];
    this.visit(reader, (series, value) =>
      points.push({ attributes: series.attributes, value, startTime: series.startTime }),
    );
    return points;
  }

  /** Reads the series like `collect`, handing each to `visitor` instead of allocating a point per series. */
  visit(reader: ObservedReader, visitor: SeriesVisitor): void {
    const now = reader.latestAt;
    const { readers, retention: settings, streamNames } = this.context;
    const retention = this.monotonic ? settings.counterMs : settings.gaugeMs;
    const othersReadSince = readers.othersReadSince(reader, now, settings.readerIdleMs);
    for (const [key, cell] of this.#cells) {
      if (cell.refs > 0) {
        cell.invalid = this.#observe(visitor, cell, cell.value, cell.invalid);
        continue;
      }
      const expired = now - cell.releasedAt >= retention;
      const unread = this.monotonic && reader.previous <= cell.releasedAfter;
      if (!expired || unread) {
        cell.invalid = this.#observe(visitor, cell, cell.value, cell.invalid);
      }
      const readByAll = !this.monotonic || othersReadSince > cell.releasedAfter;
      if (expired && readByAll) {
        this.#cells.delete(key);
        for (const label of this.#streamLabels) streamNames.release(String(cell.attributes[label]));
      }
    }
    // Two sources of one label set (say, a disk path watched by system and storage metrics) would make
    // duplicate samples, and Prometheus rejects a whole scrape for one: the first source wins.
    const produced = new Map<string, ProducedSeries>();
    const observe = (value: number, labels: unknown) => {
      const attributes = this.guard(labels);
      const key = keyOf(attributes);
      if (this.#cells.has(key) || produced.has(key)) return;
      const series = this.#produced.get(key) ?? {
        attributes,
        startTime: now,
        invalid: undefined,
        prepared: undefined,
        preparedFor: undefined,
      };
      produced.set(key, series);
      series.invalid = this.#observe(visitor, series, value, series.invalid);
    };
    for (const [producer, failed] of this.#producers) {
      try {
        producer(observe, reader);
        if (failed) this.#producers.set(producer, false);
      } catch {
        if (!failed) this.report.invalid(this.name, 'not_a_number');
        this.#producers.set(producer, true);
      }
    }
    this.#produced = produced;
  }

  /** Hands a valid value to `visitor`; counts an invalid one unless its series was invalid for that reason already. */
  #observe(
    visitor: SeriesVisitor,
    series: ObservedSeries,
    value: number,
    wasInvalid: InvalidReason | undefined,
  ): InvalidReason | undefined {
    const reason = invalidReason(value, this.monotonic);
    if (reason === undefined) visitor(series, value);
    else if (reason !== wasInvalid) this.report.invalid(this.name, reason);
    return reason;
  }
}

function keyOf(attributes: Attributes): string {
  // Guarded attributes always have the catalog's keys in catalog order, so values alone identify them.
  return Object.values(attributes).join('\u0000');
}
