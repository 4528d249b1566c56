import { execFileSync } from 'node:child_process';
import { mkdtemp, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { diskUsage } from '@flux-metrics/core';
import { createRecorder, storageMetrics, type StorageMetrics } from '@flux-metrics/storage';

const SIZE_BYTES = 32 * 1024 * 1024;
const FILL_TO = 0.96;
/** Larger than what is left after the ballast: every write fails with ENOSPC. */
const SEGMENT_BYTES = 4 * 1024 * 1024;

/**
 * A real, nearly full recording volume: a 32 MiB tmpfs mounted on a new directory next to the recording
 * directory, filled to 96 % with a ballast segment, watched like any recording path
 * (`disk_usage_ratio{path=<dir>}`), with a 4 MiB segment written every second that fails with the
 * filesystem's ENOSPC once it is full. Mounting needs root.
 */
export class DiskFault {
  readonly dir: string;
  private readonly metrics: StorageMetrics;
  private readonly timer: NodeJS.Timeout;
  private stopped: Promise<void> | undefined;

  private constructor(dir: string, metrics: StorageMetrics, timer: NodeJS.Timeout) {
    this.dir = dir;
    this.metrics = metrics;
    this.timer = timer;
  }

  static async start(recordDir: string): Promise<DiskFault> {
    // A new directory of its own (`<record-dir>-fault-volume-XXXXXX`): a directory that already exists
    // (a user's) is never mounted over, and cleaning up removes only this one, and only when empty.
    const dir = await mkdtemp(`${recordDir}-fault-volume-`);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_BYTES}`, 'tmpfs', dir], { stdio: 'pipe' });
    } catch (error) {
      await rmdir(dir);
      const reason = (error as { stderr?: Buffer }).stderr?.toString().trim() || String(error);
      throw new Error(`diskFull needs root to mount a small tmpfs (${reason})`);
    }
    const metrics = storageMetrics({ volume: 'fault-volume', diskPaths: [dir] });
    const recorder = createRecorder(metrics);
    const ballast = await recorder.openSegment(join(dir, 'ballast.ts'));
    const chunk = Buffer.alloc(SEGMENT_BYTES, 0x47);
    while (diskUsage(dir).ratio < FILL_TO) await ballast.write(chunk.subarray(0, SIZE_BYTES / 64));
    await ballast.close();
    let n = 0;
    const timer = setInterval(() => {
      void (async () => {
        const segment = await recorder.openSegment(join(dir, `segment-${n++ % 4}.ts`));
        try {
          await segment.write(chunk);
          await segment.close();
        } catch {
          await segment.abort(); // ENOSPC: counted in errors_total{component="storage"} by the metered handle
        }
        await recorder.deleteRecording(segment.path).catch(() => undefined);
      })().catch(() => undefined);
    }, 1000);
    return new DiskFault(dir, metrics, timer);
  }

  /** Unmounts the volume (its files go with the tmpfs) and removes the empty mount point. Idempotent. */
  stop(): Promise<void> {
    return (this.stopped ??= this.unmount());
  }

  private async unmount(): Promise<void> {
    clearInterval(this.timer);
    this.metrics.close();
    try {
      execFileSync('umount', [this.dir], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', this.dir], { stdio: 'pipe' }); // a write still open: detach now
    }
    await rmdir(this.dir); // not recursive: anything left in it is not ours to delete
  }
}
