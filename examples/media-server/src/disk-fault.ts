import { execFileSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { diskUsage } from '@flux-metrics/core';
import { createRecorder, storageMetrics, type StorageMetrics } from '@flux-metrics/storage';

const SIZE_BYTES = 32 * 1024 * 1024;
const FILL_TO = 0.96;
/** Larger than what is left after the ballast: every write fails with ENOSPC. */
const SEGMENT_BYTES = 4 * 1024 * 1024;

/**
 * A real, nearly full recording volume: a 32 MiB tmpfs mounted next to the recording directory, filled to 96 %
 * with a ballast segment, watched like any recording path (`disk_usage_ratio{path=<dir>}`), with a 4 MiB
 * segment written every second that fails with the filesystem's ENOSPC once it is full. Mounting needs root.
 */
export class DiskFault {
  readonly dir: string;
  private readonly metrics: StorageMetrics;
  private readonly timer: NodeJS.Timeout;

  private constructor(dir: string, metrics: StorageMetrics, timer: NodeJS.Timeout) {
    this.dir = dir;
    this.metrics = metrics;
    this.timer = timer;
  }

  static async start(recordDir: string): Promise<DiskFault> {
    const dir = `${recordDir}-fault-volume`;
    await mkdir(dir, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_BYTES}`, 'tmpfs', dir], { stdio: 'pipe' });
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
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

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.metrics.close();
    try {
      execFileSync('umount', [this.dir], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', this.dir], { stdio: 'pipe' }); // a write still open: detach now
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
