/**
 * At most `limit` sends in any `windowMs` (DingTalk: 20 messages a minute per robot), as a sliding log of
 * send times.
 */
export class RateLimiter {
  readonly #sent: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Milliseconds until one more send is allowed (0: now). */
  waitMs(now = Date.now()): number {
    this.#forget(now);
    if (this.#sent.length < this.limit) return 0;
    return this.#sent[0]! + this.windowMs - now;
  }

  record(now = Date.now()): void {
    this.#forget(now);
    this.#sent.push(now);
  }

  /** The robot said "too fast": treat the whole window as used from now. */
  saturate(now = Date.now()): void {
    this.#sent.length = 0;
    for (let i = 0; i < this.limit; i++) this.#sent.push(now);
  }

  #forget(now: number): void {
    while (this.#sent.length && this.#sent[0]! <= now - this.windowMs) this.#sent.shift();
  }
}
