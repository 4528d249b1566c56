/** Collections begun in this process, by any reader: orders releases and collections without clock ties. */
let collections = 0;

/**
 * One exporter reading the observed families (the Prometheus endpoint, an OTLP push reader). Give each its
 * own (one `observedSeriesProducer` per reader): stateful producers then measure since that reader's
 * previous collection, and a released counter is dropped only once every reader has read its final value.
 */
export class ObservedReader {
  /** @internal number of this reader's latest collection, 0 before the first */
  latest = 0;
  /** @internal number of the collection before it */
  previous = 0;
  /** @internal when the latest collection began, ms since the epoch */
  latestAt = 0;

  /** @internal starts a collection: one per reader collection, before any family is read */
  begin(now: number): void {
    this.previous = this.latest;
    this.latest = ++collections;
    this.latestAt = now;
  }
}

/** @internal The number of collections begun so far, stamped on a cell when it is released. */
export const collectionsBegun = (): number => collections;

/** @internal The readers of one MeterProvider's observed families. */
export class ObservedReaders {
  readonly #readers = new Set<ObservedReader>();

  open(): ObservedReader {
    const reader = new ObservedReader();
    this.#readers.add(reader);
    return reader;
  }

  /**
   * The oldest latest-collection number of the readers other than `reader` that collected within `idleMs`:
   * a series released before it has been read by all of them. Infinity without other readers.
   */
  othersReadSince(reader: ObservedReader, now: number, idleMs: number): number {
    let oldest = Infinity;
    for (const other of this.#readers) {
      if (other === reader || now - other.latestAt > idleMs) continue;
      oldest = Math.min(oldest, other.latest);
    }
    return oldest;
  }
}

/**
 * A value kept per reader, for producers that report a change since the reader's previous collection
 * (CPU time into a usage ratio): two readers never see each other's intervals.
 */
export class PerReader<T> {
  readonly #values = new WeakMap<ObservedReader, T>();
  constructor(private readonly initial: T) {}

  /** The reader's previous value (the initial one at its first collection); stores `next` in its place. */
  swap(reader: ObservedReader, next: T): T {
    const previous = this.#values.get(reader) ?? this.initial;
    this.#values.set(reader, next);
    return previous;
  }
}
