import type { Cell, ErrorType, StopReason } from '@flux-metrics/core';
import { CounterAccumulator } from './counter-accumulator.js';
import { appliesTo, COUNTERS, GAUGES } from './mapping.js';
import type { SrtDirection, SrtStats } from './stats.js';
import type { GaugeSource } from './stream-group.js';

/** Options of one statistics update. */
export interface SrtUpdateOptions {
  /**
   * True when the interval fields were read with `clear` (srt_bstats(…, 1), srt-live-transmit without
   * `-f`): each value is then an increment. False (default) when they run since the socket opened.
   * Accumulated `…Total` fields are used in preference and are never cleared.
   */
  readonly cleared?: boolean;
}

/** What a connection needs from the SrtMetrics that opened it. */
export interface ConnectionHost {
  counterCell(index: number, streamLabel: string): Cell;
  releaseCounter(index: number, cell: Cell): void;
  sample(stats: SrtStats, direction: SrtDirection): void;
  report(connection: SrtConnection, stats: SrtStats): void;
  mediaStarted(seconds: number): void;
  closed(connection: SrtConnection, reason: StopReason, errorType: ErrorType | undefined): void;
}

/**
 * One SRT connection's metrics: feed it every statistics reading, then close it once. Counters go to the
 * stream's shared series without double counting; instantaneous values become the stream's gauges.
 * Never throws into the caller.
 */
export class SrtConnection implements GaugeSource {
  /** @internal latest instantaneous values, read by the stream's gauges */
  readonly gauges: (number | undefined)[] = new Array<number | undefined>(GAUGES.length);
  readonly #counters = new CounterAccumulator();
  readonly #cells: (Cell | undefined)[] = new Array<Cell | undefined>(COUNTERS.length);
  readonly #openedAt = performance.now();
  #mediaStarted = false;
  #closed = false;

  constructor(
    private readonly host: ConnectionHost,
    /** The stream_name label its series carry (the stream, or `stream/id` for per-connection detail). */
    readonly streamLabel: string,
    readonly direction: SrtDirection,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Records one statistics reading. After close, counters still count (a report that arrives late is
   * real traffic) while gauges and samples are ignored.
   */
  update(stats: SrtStats, options: SrtUpdateOptions = {}): void {
    try {
      const cleared = options.cleared ?? false;
      COUNTERS.forEach((mapping, i) => {
        if (!appliesTo(mapping.side, this.direction)) return;
        const n = this.#counters.increment(stats, mapping.field, cleared);
        // Hold every counter series from the first report, at 0 if need be: rate() cannot see the first
        // increase of a series that appears with it, so the first lost packets would go unnoticed.
        if (n > 0 || (!this.#closed && !this.#cells[i])) this.#add(i, n);
      });
      if (this.#closed) return;
      this.host.report(this, stats);
      this.host.sample(stats, this.direction);
    } catch {
      // Statistics are best effort: a malformed reading must never break the media path.
    }
  }

  #add(index: number, n: number): void {
    const held = this.#cells[index];
    if (held) {
      held.value += n;
    } else if (this.#closed) {
      // A late first report: count it in the stream's series without holding it.
      const cell = this.host.counterCell(index, this.streamLabel);
      cell.value += n;
      this.host.releaseCounter(index, cell);
    } else {
      (this.#cells[index] = this.host.counterCell(index, this.streamLabel)).value += n;
    }
  }

  /** Records stream_start_duration_seconds (open → first media) the first time it is called. */
  mediaStarted(): void {
    if (this.#mediaStarted || this.#closed) return;
    this.#mediaStarted = true;
    this.host.mediaStarted((performance.now() - this.#openedAt) / 1000);
  }

  /**
   * Ends the connection: counts the stopped stream with its reason; `timeout` and `error` also count
   * errors_total{component="srt"} (type `timeout`, or `errorType`, default `network`).
   */
  close(reason: StopReason = 'disconnected', errorType?: ErrorType): void {
    if (this.#closed) return;
    this.#closed = true;
    this.host.closed(this, reason, errorType);
  }

  /** @internal lets go of the counter series once the host has counted the close. */
  releaseCounters(): void {
    this.#cells.forEach((cell, i) => cell && this.host.releaseCounter(i, cell));
  }
}
