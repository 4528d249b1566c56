import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createRecorder, instrumentWritable, storageMetrics } from '@flux-metrics/storage';
import { createHarness } from '../support/harness.ts';
import { waitFor } from '../support/processes.ts';
import { sampleValue } from './exposition.ts';
import { mountTmpfs } from './tmpfs.ts';

const SIZE = 1024 * 1024;

/** df's own numbers for the filesystem holding `path`, in bytes. */
function df(path: string): { used: number; avail: number; usePercent: number } {
  const out = execFileSync('df', ['-B1', '--output=used,avail,pcent', path], { encoding: 'utf8' });
  const [used, avail, pcent] = out.trim().split('\n')[1]!.trim().split(/\s+/);
  return { used: Number(used), avail: Number(avail), usePercent: Number(pcent!.replace('%', '')) };
}

test('a filesystem that fills up: ENOSPC reaches the caller, bytes and errors are counted, usage agrees with df', async (t) => {
  const fs = mountTmpfs(SIZE);
  if (typeof fs === 'string') {
    t.skip(fs);
    return;
  }
  const harness = createHarness();
  const metrics = storageMetrics({ volume: 'tmpfs', diskPaths: [fs.dir], meterProvider: harness.provider });
  const recorder = createRecorder(metrics);
  t.after(async () => {
    try {
      metrics.close();
      await harness.shutdown();
    } finally {
      fs.unmount();
    }
  });
  const value = async (name: string, labels: Record<string, string>) =>
    sampleValue(await harness.scrape(), name, labels);
  const volume = { volume: 'tmpfs' };

  const assertUsageMatchesDf = async () => {
    // Collections report the latest statfs answer, sampled asynchronously: wait for one taken after now.
    const d = df(fs.dir);
    const text = await waitFor(
      'disk usage as df sees it',
      async () => {
        const text = await harness.scrape();
        return sampleValue(text, 'disk_free_bytes', { path: fs.dir }) === d.avail ? text : undefined;
      },
      10_000,
    ).catch(() => harness.scrape());
    const ratio = sampleValue(text, 'disk_usage_ratio', { path: fs.dir });
    const free = sampleValue(text, 'disk_free_bytes', { path: fs.dir });
    assert.ok(ratio !== undefined && free !== undefined, 'disk series exported for the configured path');
    assert.equal(free, d.avail, 'disk_free_bytes equals df Avail');
    assert.ok(
      Math.abs(ratio - d.used / (d.used + d.avail)) < 1e-12,
      `ratio ${ratio} vs df ${d.used}/${d.avail}`,
    );
    assert.equal(Math.ceil(ratio * 100), d.usePercent, 'df Use% is the ratio rounded up');
    return ratio;
  };

  // Half full: a non-trivial ratio to compare.
  const first = await recorder.openSegment(join(fs.dir, 'seg-0.ts'));
  await first.write(randomBytes(SIZE / 2));
  await first.close({ durationSeconds: 10 });
  const half = await assertUsageMatchesDf();
  assert.ok(half > 0.45 && half < 0.55, `half full: ${half}`);

  // Fill it: the caller sees the filesystem's ENOSPC, the bytes that landed are counted.
  const second = await recorder.openSegment(join(fs.dir, 'seg-1.ts'));
  // 100 000 does not divide the space left, so the last write is short before the next one fails.
  const chunk = randomBytes(100_000);
  let failure: unknown;
  for (let i = 0; i < 20 && failure === undefined; i++) {
    failure = await second.write(chunk).then(
      () => undefined,
      (e: unknown) => e,
    );
  }
  assert.ok(failure instanceof Error, 'the disk filled up within 20 chunks');
  assert.equal((failure as NodeJS.ErrnoException).code, 'ENOSPC');
  assert.equal((failure as NodeJS.ErrnoException).syscall, 'write');
  await second.abort();
  const secondSize = (await stat(join(fs.dir, 'seg-1.ts'))).size;
  assert.equal(second.bytes, secondSize);
  assert.ok(secondSize % chunk.length !== 0 && secondSize <= SIZE / 2, `second segment: ${secondSize} bytes`);

  // A write stream on the full disk: its own 'error' event, unchanged.
  const out = instrumentWritable(createWriteStream(join(fs.dir, 'seg-2.ts')), metrics);
  const streamError = await new Promise<NodeJS.ErrnoException>((resolve) => {
    out.on('error', resolve);
    out.write(chunk);
  });
  assert.equal(streamError.code, 'ENOSPC');

  const onDisk = SIZE / 2 + secondSize + (await stat(join(fs.dir, 'seg-2.ts'))).size;
  assert.equal(
    await value('storage_written_bytes_total', volume),
    onDisk,
    'counted bytes equal bytes on disk',
  );
  assert.equal(await value('errors_total', { component: 'storage', type: 'ENOSPC' }), 2);
  assert.equal(await value('recording_segments_opened_total', volume), 2);
  assert.equal(
    await value('recording_segments_completed_total', volume),
    1,
    'the failed segment is not completed',
  );
  assert.equal(await value('recording_segment_size_bytes_sum', volume), SIZE / 2);

  const full = await assertUsageMatchesDf();
  assert.ok(full > 0.99, `full: ${full}`);
});
