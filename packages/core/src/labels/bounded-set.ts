/** Value given in place of a new value once a label has reached its limit of distinct values. */
export const OVERFLOW_VALUE = '_overflow';

/**
 * Remembers the distinct values of one label and refuses new ones past a limit, so hostile input cannot
 * grow memory or series without bound. Series that use a value hold it; a value is forgotten when the
 * last series holding it is gone (values never held, such as routes, are kept for good).
 */
export class BoundedValueSet {
  /** Each admitted value with the number of series holding it. */
  readonly #holders = new Map<string, number>();
  constructor(public limit: number) {}

  /** The value itself while there is room or it is known, otherwise OVERFLOW_VALUE. */
  admit(value: string): string {
    if (this.#holders.has(value)) return value;
    if (this.#holders.size >= this.limit) return OVERFLOW_VALUE;
    this.#holders.set(value, 0);
    return value;
  }

  /** A series of an admitted value now exists: the value stays known until that series lets go. */
  hold(value: string): void {
    const holders = this.#holders.get(value);
    if (holders !== undefined) this.#holders.set(value, holders + 1);
  }

  /** A series holding the value is gone; the last one to go forgets the value. */
  release(value: string): void {
    const holders = this.#holders.get(value);
    if (holders === undefined) return;
    if (holders <= 1) this.#holders.delete(value);
    else this.#holders.set(value, holders - 1);
  }

  get size(): number {
    return this.#holders.size;
  }
}
