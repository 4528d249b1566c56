import type { SrtCountedField, SrtStats } from './stats.js';

/**
 * Turns one connection's successive statistics into increments, counting every packet exactly once:
 * - an accumulated `…Total` field wins when present: increment = value − previous value;
 * - otherwise the interval field: read with `clear`, each value is already an increment; read without
 *   `clear` it is a running total like `…Total`.
 * A running total that goes down means the socket's counters restarted, so its new value is all new.
 */
export class CounterAccumulator {
  readonly #last = new Map<string, number>();

  /** The increment of one counted field since the previous call, 0 when the source lacks the field. */
  increment(stats: SrtStats, field: SrtCountedField, cleared: boolean): number {
    const totalName = `${field}Total`;
    const total = stats[totalName];
    if (isCount(total)) return this.#sinceLast(totalName, total);
    const interval = stats[field];
    if (!isCount(interval)) return 0;
    return cleared ? interval : this.#sinceLast(field, interval);
  }

  #sinceLast(key: string, value: number): number {
    const last = this.#last.get(key);
    this.#last.set(key, value);
    if (last === undefined || value < last) return value;
    return value - last;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
