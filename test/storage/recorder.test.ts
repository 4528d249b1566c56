import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createRecorder, storageMetrics } from '@flux-metrics/storage';
import { createHarness } from '../support/harness.ts';
import { sampleValue } from './exposition.ts';

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const harness = createHarness();
  const dir = await mkdtemp(join(tmpdir(), 'flux-storage-rec-'));
  const metrics = storageMetrics({ volume: 'rec', meterProvider: harness.provider });
  t.after(async () => {
    metrics.close();
    await harness.shutdown();
    await rm(dir, { recursive: true, force: true });
  });
  const value = async (name: string, labels: Record<string, string> = {}) =>
    sampleValue(await harness.scrape(), name, { volume: 'rec', ...labels });
  return { dir, harness, recorder: createRecorder(metrics), value };
}

test('segments: opened, completed with size and media duration; aborted ones are not completed', async (t) => {
  const { dir, recorder, value } = await setup(t);
  const sizes = [300_000, 70_000, 5_000_000];
  for (const [i, size] of sizes.entries()) {
    const segment = await recorder.openSegment(join(dir, `cam1-${i}.ts`));
    const data = randomBytes(size);
    for (let offset = 0; offset < size; offset += 188 * 7)
      await segment.write(data.subarray(offset, offset + 188 * 7));
    assert.equal(segment.bytes, size);
    await segment.close({ durationSeconds: 6, sync: i === 0 });
    assert.deepEqual(await readFile(join(dir, `cam1-${i}.ts`)), data);
  }
  const aborted = await recorder.openSegment(join(dir, 'cam1-3.ts'));
  await aborted.write('partial');
  await aborted.abort();
  // Without a media duration the wall-clock time from open to close is used.
  const live = await recorder.openSegment(join(dir, 'cam1-4.ts'));
  await delay(30);
  await live.close();

  assert.equal(await value('recording_segments_opened_total'), 5);
  assert.equal(await value('recording_segments_completed_total'), 4);
  assert.equal(await value('recording_segment_size_bytes_count'), 4);
  assert.equal(await value('recording_segment_size_bytes_sum'), 300_000 + 70_000 + 5_000_000);
  assert.equal(
    await value('recording_segment_size_bytes_bucket', { le: '65536' }),
    1,
    'the empty live segment',
  );
  assert.equal(await value('recording_segment_size_bytes_bucket', { le: '262144' }), 2);
  assert.equal(await value('recording_segment_size_bytes_bucket', { le: '1048576' }), 3);
  const durationSum = await value('recording_segment_duration_seconds_sum');
  assert.ok(
    durationSum !== undefined && durationSum >= 18.02 && durationSum < 19,
    `duration sum ${durationSum}`,
  );
  assert.equal(await value('recording_segment_duration_seconds_bucket', { le: '1' }), 1);
  assert.equal(await value('storage_io_duration_seconds_count', { operation: 'sync' }), 1);
  assert.equal(await value('storage_io_duration_seconds_count', { operation: 'open' }), 5);
  assert.equal(await value('storage_io_duration_seconds_count', { operation: 'close' }), 5);
  assert.equal(await value('storage_written_bytes_total'), 300_000 + 70_000 + 5_000_000 + 'partial'.length);
});

test('snapshots and retention deletions are counted; a failed snapshot is not', async (t) => {
  const { dir, harness, recorder, value } = await setup(t);
  const jpeg = randomBytes(40_000);
  for (let i = 0; i < 3; i++) await recorder.writeSnapshot(join(dir, `snap-${i}.jpg`), jpeg);
  assert.deepEqual(await readFile(join(dir, 'snap-2.jpg')), jpeg);
  await assert.rejects(recorder.writeSnapshot(join(dir, 'missing', 'snap.jpg'), jpeg), { code: 'ENOENT' });

  const old = new Date(Date.now() - 3 * 3600_000);
  await mkdir(join(dir, 'sub'));
  for (const name of ['snap-0.jpg', 'snap-1.jpg']) await utimes(join(dir, name), old, old);
  const deleted = await recorder.deleteOlderThan(dir, 3600_000);
  assert.deepEqual(deleted.sort(), [join(dir, 'snap-0.jpg'), join(dir, 'snap-1.jpg')]);
  assert.deepEqual((await readdir(dir)).sort(), ['snap-2.jpg', 'sub']);
  await assert.rejects(recorder.deleteRecording(join(dir, 'snap-0.jpg')), { code: 'ENOENT' });

  assert.equal(await value('snapshots_total'), 3);
  assert.equal(await value('recording_retention_deletions_total'), 2);
  assert.equal(await value('storage_io_duration_seconds_count', { operation: 'unlink' }), 3);
  assert.equal(await value('storage_written_bytes_total'), 3 * jpeg.length);
  const errors = sampleValue(await harness.scrape(), 'errors_total', {
    component: 'storage',
    type: 'ENOENT',
  });
  assert.equal(errors, 2, 'the snapshot open and the second unlink');
});
