import { readdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openFile } from './file-handle.js';
import type { StorageMetrics } from './storage-metrics.js';

export interface CloseSegmentOptions {
  /** Media duration of the segment; default: wall-clock time from open to close (live recording). */
  readonly durationSeconds?: number;
  /** fsync before closing (timed as `sync`). Default false. */
  readonly sync?: boolean;
}

/** One recording file being written: open → write … → close. */
export class Segment {
  readonly #openedAt = performance.now();
  #bytes = 0;
  #closed = false;

  constructor(
    readonly path: string,
    /** The metered handle, for anything the segment does not wrap (e.g. a seek with a position). */
    readonly handle: FileHandle,
    private readonly metrics: StorageMetrics,
  ) {}

  /** Bytes written to this segment so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Appends all of `data` (repeating short writes); rejects with the filesystem's own error, e.g. ENOSPC,
   * after counting the bytes that did reach the file.
   */
  async write(data: Uint8Array | string): Promise<void> {
    const buffer = typeof data === 'string' ? Buffer.from(data) : data;
    let offset = 0;
    while (offset < buffer.byteLength) {
      const { bytesWritten } = await this.handle.write(buffer, offset, buffer.byteLength - offset);
      offset += bytesWritten;
      this.#bytes += bytesWritten;
    }
  }

  /** Closes the file; a segment that closes cleanly is counted as completed with its size and duration. */
  async close(options: CloseSegmentOptions = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (options.sync) await this.handle.sync();
    } finally {
      await this.handle.close();
    }
    const duration = options.durationSeconds ?? (performance.now() - this.#openedAt) / 1000;
    this.metrics.segmentCompleted(this.#bytes, duration);
  }

  /** Closes the file without counting the segment as completed (the recording failed or was dropped). */
  async abort(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.handle.close();
  }
}

/**
 * The recording side of a media server: segments, snapshots and retention, all written through metered
 * handles of one volume. Errors are the filesystem's own; the metrics count them on the way through.
 */
export class Recorder {
  constructor(readonly metrics: StorageMetrics) {}

  /** Creates (or truncates) a segment file and counts it as opened. */
  async openSegment(path: string): Promise<Segment> {
    const handle = await openFile(path, 'w', undefined, this.metrics);
    this.metrics.segmentOpened();
    return new Segment(path, handle, this.metrics);
  }

  /** Writes a whole snapshot (still image) file and counts it. */
  async writeSnapshot(path: string, data: Uint8Array | string): Promise<void> {
    const handle = await openFile(path, 'w', undefined, this.metrics);
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
    this.metrics.snapshotWritten();
  }

  /** Deletes one recording file for retention (timed as `unlink`) and counts it. */
  async deleteRecording(path: string): Promise<void> {
    await this.metrics.timed('unlink', () => unlink(path));
    this.metrics.retentionDeleted();
  }

  /**
   * Deletes the regular files directly in `directory` last modified more than `maxAgeMs` ago; returns
   * their paths. A file that vanishes meanwhile is skipped; any other error stops the sweep and rejects.
   */
  async deleteOlderThan(directory: string, maxAgeMs: number, now = Date.now()): Promise<string[]> {
    const deleted: string[] = [];
    const entries = await this.metrics.timed('stat', () => readdir(directory, { withFileTypes: true }));
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(directory, entry.name);
      try {
        const { mtimeMs } = await this.metrics.timed('stat', () => stat(path));
        if (now - mtimeMs <= maxAgeMs) continue;
        await this.deleteRecording(path);
        deleted.push(path);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
      }
    }
    return deleted;
  }
}

/** A recorder writing through the metrics of one volume. */
export function createRecorder(metrics: StorageMetrics): Recorder {
  return new Recorder(metrics);
}
