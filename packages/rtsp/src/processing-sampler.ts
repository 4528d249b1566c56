import type { BoundInstrument } from '@flux-metrics/core';

/** Times 1 packet in N for stream_processing_duration_seconds, so the others cost one decrement. */
export class ProcessingSampler {
  #countdown: number;

  constructor(
    private readonly histogram: BoundInstrument,
    private readonly every: number,
  ) {
    this.#countdown = every;
  }

  start(): number {
    if (--this.#countdown > 0) return 0;
    this.#countdown = this.every;
    return performance.now();
  }

  end(startedAt: number): void {
    this.histogram.record((performance.now() - startedAt) / 1000);
  }
}
