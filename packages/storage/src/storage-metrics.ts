import { performance } from 'node:perf_hooks';
import type { MeterProvider } from '@opentelemetry/api';
import {
  fluxInstruments,
  STORAGE_OPERATIONS,
  watchDiskPaths,
  type BoundInstrument,
  type Cell,
  type FluxRegistry,
} from '@flux-metrics/core';
import { errnoType, type ErrnoType } from './errno.js';
import { SampledIo } from './sampled-io.js';

export type StorageOperation = (typeof STORAGE_OPERATIONS)[number];

export interface StorageMetricsOptions {
  /** Operator-chosen name of the storage volume, the `volume` label (default `default`). */
  readonly volume?: string;
  /** Paths whose filesystem is published as `disk_usage_ratio{path}` and `disk_free_bytes{path}`. */
  readonly diskPaths?: readonly string[];
  /**
   * Time one read and one write in this many (default 16; 1 times every one). Bytes are always counted;
   * open, sync, close, stat and unlink are always timed.
   */
  readonly latencySampleEvery?: number;
  /** The registry to record into (default: the default registry; `meterProvider` selects one by provider). */
  readonly registry?: FluxRegistry;
  readonly meterProvider?: MeterProvider;
}

export const DEFAULT_LATENCY_SAMPLE_EVERY = 16;

/**
 * The storage metrics of one volume. The wrappers call it around every operation; the hot path (one read
 * or write, `writes`/`reads`) is a countdown and a field increment, plus a histogram record when sampled.
 */
export class StorageMetrics {
  readonly volume: string;
  readonly #instruments: FluxRegistry;
  /** Writes: `const s = writes.start(); …; writes.done(bytesWritten, s)`. */
  readonly writes: SampledIo;
  /** Reads: `const s = reads.start(); …; reads.done(bytesRead, s)`. */
  readonly reads: SampledIo;
  readonly #written: Cell;
  readonly #read: Cell;
  readonly #latency: Record<StorageOperation, BoundInstrument>;
  readonly #errors = new Map<ErrnoType, BoundInstrument>();
  readonly #segmentsOpened: BoundInstrument;
  readonly #segmentsCompleted: BoundInstrument;
  readonly #segmentSize: BoundInstrument;
  readonly #segmentDuration: BoundInstrument;
  readonly #snapshots: BoundInstrument;
  readonly #retentionDeletions: BoundInstrument;
  readonly #stopDiskWatch: () => void;
  #closed = false;

  constructor(options: StorageMetricsOptions = {}) {
    this.volume = options.volume ?? 'default';
    const every = options.latencySampleEvery ?? DEFAULT_LATENCY_SAMPLE_EVERY;
    const sampleEvery = Number.isInteger(every) && every >= 1 ? every : DEFAULT_LATENCY_SAMPLE_EVERY;
    const instruments = fluxInstruments(options.registry ?? options.meterProvider);
    this.#instruments = instruments;
    const labels = { volume: this.volume };
    this.#written = instruments.get('storage_written_bytes_total').cell(labels);
    this.#read = instruments.get('storage_read_bytes_total').cell(labels);
    const latency = instruments.get('storage_io_duration_seconds');
    this.#latency = Object.fromEntries(
      STORAGE_OPERATIONS.map((operation) => [operation, latency.bind({ operation, ...labels })]),
    ) as Record<StorageOperation, BoundInstrument>;
    this.writes = new SampledIo(this.#written, this.#latency.write, sampleEvery);
    this.reads = new SampledIo(this.#read, this.#latency.read, sampleEvery);
    this.#segmentsOpened = instruments.get('recording_segments_opened_total').bind(labels);
    this.#segmentsCompleted = instruments.get('recording_segments_completed_total').bind(labels);
    this.#segmentSize = instruments.get('recording_segment_size_bytes').bind(labels);
    this.#segmentDuration = instruments.get('recording_segment_duration_seconds').bind(labels);
    this.#snapshots = instruments.get('snapshots_total').bind(labels);
    this.#retentionDeletions = instruments.get('recording_retention_deletions_total').bind(labels);
    const paths = options.diskPaths ?? [];
    this.#stopDiskWatch =
      paths.length > 0 ? watchDiskPaths(paths, options.registry ?? options.meterProvider) : () => {};
  }

  /** Runs a whole-file operation (open, sync, close, stat, unlink), timing it and counting its errno. */
  async timed<T>(operation: StorageOperation, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await run();
    } catch (error) {
      this.failed(error);
      throw error;
    } finally {
      this.#latency[operation].record((performance.now() - start) / 1000);
    }
  }

  /** Counts a failed operation in `errors_total{component="storage"}` when it came from the filesystem. */
  failed(error: unknown): void {
    const type = errnoType(error);
    if (type === undefined) return;
    let counter = this.#errors.get(type);
    if (!counter) {
      counter = this.#instruments.get('errors_total').bind({ component: 'storage', type });
      this.#errors.set(type, counter);
    }
    counter.record(1);
  }

  segmentOpened(): void {
    this.#segmentsOpened.record(1);
  }

  segmentCompleted(sizeBytes: number, durationSeconds: number): void {
    this.#segmentsCompleted.record(1);
    this.#segmentSize.record(sizeBytes);
    this.#segmentDuration.record(durationSeconds);
  }

  snapshotWritten(): void {
    this.#snapshots.record(1);
  }

  retentionDeleted(): void {
    this.#retentionDeletions.record(1);
  }

  /** Stops the disk-usage series; the byte counters stay exported for the retention time, then go. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopDiskWatch();
    this.#instruments.get('storage_written_bytes_total').release(this.#written);
    this.#instruments.get('storage_read_bytes_total').release(this.#read);
  }
}

/** The storage metrics of one volume (see `StorageMetricsOptions`). */
export function storageMetrics(options?: StorageMetricsOptions): StorageMetrics {
  return new StorageMetrics(options);
}
