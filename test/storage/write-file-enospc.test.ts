import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createRecorder, openFile, storageMetrics } from '@flux-metrics/storage';
import { createHarness } from '../support/harness.ts';
import { sampleValue } from './exposition.ts';
import { mountTmpfs } from './tmpfs.ts';

const SIZE = 1024 * 1024;

/** A 1 MiB tmpfs with metered storage on it; `written()` is storage_written_bytes_total. */
async function fullDiskSetup(t: { after(fn: () => Promise<void>): void }) {
  const fs = mountTmpfs(SIZE);
  assert.ok(typeof fs !== 'string', fs as string);
  const harness = createHarness();
  const metrics = storageMetrics({ volume: 'tmpfs', meterProvider: harness.provider });
  t.after(async () => {
    try {
      metrics.close();
      await harness.shutdown();
    } finally {
      fs.unmount();
    }
  });
  const scrape = async (name: string, labels: Record<string, string>) =>
    sampleValue(await harness.scrape(), name, labels);
  return {
    dir: fs.dir,
    metrics,
    written: () => scrape('storage_written_bytes_total', { volume: 'tmpfs' }),
    enospc: () => scrape('errors_total', { component: 'storage', type: 'ENOSPC' }),
  };
}

async function rejection(work: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof Error, 'the write was expected to fail');
  return error as NodeJS.ErrnoException;
}

test('a snapshot cut short by ENOSPC: the bytes that reached the disk are counted', async (t) => {
  const { dir, metrics, written, enospc } = await fullDiskSetup(t);
  const path = join(dir, 'snapshot.jpg');
  const error = await rejection(createRecorder(metrics).writeSnapshot(path, randomBytes(2 * SIZE)));
  assert.equal(error.code, 'ENOSPC');
  const onDisk = (await stat(path)).size;
  assert.ok(onDisk > SIZE / 2, `part of the snapshot landed: ${onDisk} bytes`);
  assert.equal(await written(), onDisk, 'counted bytes equal bytes on disk');
  assert.equal(await enospc(), 1);
});

test('writeFile of strings and appendFile of an async iterable cut by ENOSPC count what landed', async (t) => {
  const { dir, metrics, written, enospc } = await fullDiskSetup(t);
  const text = await openFile(join(dir, 'text.log'), 'w', undefined, metrics);
  await text.writeFile('é'.repeat(100_000), 'utf8'); // 200 000 bytes, all of it fits
  await text.close();
  assert.equal(await written(), 200_000);

  async function* chunks() {
    for (let i = 0; i < 10; i++) yield randomBytes(300_000);
  }
  const log = await openFile(join(dir, 'append.log'), 'a', undefined, metrics);
  const error = await rejection(log.appendFile(chunks()));
  await log.close();
  assert.equal(error.code, 'ENOSPC');
  const onDisk = (await stat(join(dir, 'text.log'))).size + (await stat(join(dir, 'append.log'))).size;
  assert.equal(await written(), onDisk, 'counted bytes equal bytes on disk');
  assert.equal(await enospc(), 1);
});

test('writeFile keeps its results and argument errors: undefined on success, Node’s own TypeError', async (t) => {
  const { dir, metrics, written } = await fullDiskSetup(t);
  const handle = await openFile(join(dir, 'small.bin'), 'w', undefined, metrics);
  assert.equal(await handle.writeFile(new DataView(new ArrayBuffer(10))), undefined);
  const bad = await rejection(handle.writeFile(42 as unknown as string));
  assert.equal(bad.code, 'ERR_INVALID_ARG_TYPE');
  const controller = new AbortController();
  controller.abort();
  const aborted = await rejection(handle.writeFile('late', { signal: controller.signal }));
  assert.equal(aborted.name, 'AbortError');
  await handle.close();
  assert.equal((await stat(join(dir, 'small.bin'))).size, 10);
  assert.equal(await written(), 10);
});
