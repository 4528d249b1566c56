import { performance } from 'node:perf_hooks';
import type { BoundInstrument, Cell } from '@flux-metrics/core';

/** Returned by `start()`: a start time when this operation is sampled for latency, otherwise -1. */
export type IoStart = number;

/**
 * One direction of data I/O (reads or writes) of a volume. Every operation adds its bytes to a cell (a field
 * increment); one in `every` is also timed into the latency histogram, which costs ~0.6 µs.
 */
export class SampledIo {
  #untilSample = 1;

  constructor(
    private readonly bytes: Cell,
    private readonly latency: BoundInstrument,
    private readonly every: number,
  ) {}

  /** Call before the operation; pass the result to `done` (or, on failure, count the error instead). */
  start(): IoStart {
    if (--this.#untilSample > 0) return -1;
    this.#untilSample = this.every;
    return performance.now();
  }

  /** The operation moved `bytes` bytes. */
  done(bytes: number, start: IoStart): void {
    this.bytes.value += bytes;
    if (start >= 0) this.latency.record((performance.now() - start) / 1000);
  }
}
