/** Value given in place of a new value once a label has reached its limit of distinct values. */
export const OVERFLOW_VALUE = '_overflow';

/**
 * Remembers the distinct values of one label and refuses new ones past a limit, so hostile input cannot
 * grow memory or series without bound. Values can be forgotten when their series are gone.
 */
export class BoundedValueSet {
  readonly #seen = new Set<string>();
  constructor(public limit: number) {}

  /** The value itself while there is room or it is known, otherwise OVERFLOW_VALUE. */
  admit(value: string): string {
    if (this.#seen.has(value)) return value;
    if (this.#seen.size >= this.limit) return OVERFLOW_VALUE;
    this.#seen.add(value);
    return value;
  }

  forget(value: string): void {
    this.#seen.delete(value);
  }

  get size(): number {
    return this.#seen.size;
  }
}
