import type { Cell, FluxRegistry } from '@flux-metrics/core';
import { appliesTo, GAUGES, type Side } from './mapping.js';
import type { SrtStats } from './stats.js';

/** What a stream's gauges need from one of its connections. */
export interface GaugeSource {
  readonly direction: Side;
  /** Latest value of each GAUGES entry, by index; undefined until reported. */
  readonly gauges: (number | undefined)[];
}

/**
 * The gauge series of one stream label: every live connection of the stream feeds them, combined by
 * sum or max (see GAUGES). A cell exists while a connection of the stream reports its value, so the
 * gauges of a gone stream, or of a direction that left, disappear at the next collection.
 */
export class StreamGroup {
  readonly connections = new Set<GaugeSource>();
  readonly #cells: (Cell | undefined)[] = [];

  constructor(
    private readonly instruments: FluxRegistry,
    readonly streamLabel: string,
  ) {}

  /** Stores a connection's new instantaneous values and recomputes the stream's series they touch. */
  report(source: GaugeSource, stats: SrtStats): void {
    GAUGES.forEach((mapping, i) => {
      if (!appliesTo(mapping.side, source.direction)) return;
      const value = mapping.read(stats);
      if (typeof value !== 'number' || !Number.isFinite(value)) return;
      source.gauges[i] = value;
      this.#recompute(i);
    });
  }

  /** Removes a connection; returns true when the stream has none left (its cells are released). */
  remove(source: GaugeSource): boolean {
    this.connections.delete(source);
    if (this.connections.size > 0) {
      source.gauges.forEach((value, i) => value !== undefined && this.#recompute(i));
      return false;
    }
    this.#cells.forEach((cell, i) => cell && this.instruments.get(GAUGES[i]!.metric).release(cell));
    this.#cells.length = 0;
    return true;
  }

  #recompute(i: number): void {
    const mapping = GAUGES[i]!;
    let combined: number | undefined;
    for (const c of this.connections) {
      const v = c.gauges[i];
      if (v === undefined) continue;
      combined =
        combined === undefined ? v : mapping.combine === 'sum' ? combined + v : Math.max(combined, v);
    }
    if (combined === undefined) {
      // No connection left reports this value (the publisher of a stream with players has gone).
      const cell = this.#cells[i];
      if (cell) this.instruments.get(mapping.metric).release(cell);
      this.#cells[i] = undefined;
      return;
    }
    const cell = (this.#cells[i] ??= this.instruments
      .get(mapping.metric)
      .cell({ stream_name: this.streamLabel, ...mapping.labels }));
    cell.value = combined;
  }
}
