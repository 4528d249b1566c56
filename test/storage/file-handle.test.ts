import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { instrumentFileHandle, openFile, storageMetrics } from '@flux-metrics/storage';
import { createHarness } from '../support/harness.ts';
import { sampleValue } from './exposition.ts';

const volume = { volume: 'fh' };

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const harness = createHarness();
  const dir = await mkdtemp(join(tmpdir(), 'flux-storage-fh-'));
  const metrics = storageMetrics({ volume: 'fh', meterProvider: harness.provider, latencySampleEvery: 1 });
  t.after(async () => {
    metrics.close();
    await harness.shutdown();
    await rm(dir, { recursive: true, force: true });
  });
  const value = async (name: string, labels: Record<string, string> = volume) =>
    sampleValue(await harness.scrape(), name, labels);
  return { dir, metrics, value };
}

test('FileHandle writes and reads are counted byte for byte, results unchanged', async (t) => {
  const { dir, metrics, value } = await setup(t);
  const path = join(dir, 'segment.ts');
  const chunks = Array.from({ length: 50 }, (_, i) => randomBytes(1000 + i * 37));
  const handle = await openFile(path, 'w+', undefined, metrics);
  let expected = 0;
  for (const chunk of chunks) {
    const result = await handle.write(chunk);
    assert.equal(result.buffer, chunk, 'write resolves with the caller’s own buffer');
    assert.equal(result.bytesWritten, chunk.length);
    expected += chunk.length;
  }
  const v = await handle.writev([Buffer.from('abc'), Buffer.from('défg')]);
  expected += v.bytesWritten;
  await handle.appendFile('tail ✓', 'utf8');
  expected += Buffer.byteLength('tail ✓');
  await handle.sync();

  const target = Buffer.alloc(4096);
  const r = await handle.read(target, 0, 4096, 0);
  assert.equal(r.buffer, target);
  assert.equal(r.bytesRead, 4096);
  await handle.close();
  const reader = await openFile(path, 'r', undefined, metrics);
  const whole = await reader.readFile();
  await reader.close();

  const size = (await stat(path)).size;
  assert.equal(size, expected);
  assert.equal(await value('storage_written_bytes_total'), size);
  assert.equal(whole.length, size);
  assert.equal(await value('storage_read_bytes_total'), 4096 + size);
  const count = (operation: string) => value('storage_io_duration_seconds_count', { operation, ...volume });
  assert.equal(await count('write'), chunks.length + 2, '50 writes, writev, appendFile (every one sampled)');
  assert.equal(await count('read'), 2);
  assert.equal(await count('open'), 2);
  assert.equal(await count('sync'), 1);
  assert.equal(await count('close'), 2);
});

test('writeFile counts strings in their encoding and iterables chunk by chunk', async (t) => {
  const { dir, metrics, value } = await setup(t);
  const path = join(dir, 'snapshot.jpg');
  const handle = instrumentFileHandle(await open(path, 'w'), metrics);
  await handle.writeFile('00ff'.repeat(100), 'hex');
  async function* parts() {
    yield Buffer.alloc(70_000, 1);
    yield 'ünïcode';
    yield new Uint8Array(3);
  }
  await handle.writeFile(parts());
  await handle.close();
  const size = (await stat(path)).size;
  assert.equal(size, 200 + 70_000 + Buffer.byteLength('ünïcode') + 3);
  assert.equal(await value('storage_written_bytes_total'), size);
});

test('streams made by a metered FileHandle are counted once, through the handle', async (t) => {
  const { dir, metrics, value } = await setup(t);
  const source = randomBytes(300_000);
  const path = join(dir, 'copy.bin');
  const out = await openFile(path, 'w', undefined, metrics);
  await pipeline(
    Readable.from([source.subarray(0, 100_000), source.subarray(100_000)]),
    out.createWriteStream(),
  );
  const input = await openFile(path, 'r', undefined, metrics);
  const read: Buffer[] = [];
  for await (const chunk of input.createReadStream()) read.push(chunk as Buffer);
  assert.deepEqual(Buffer.concat(read), source);
  assert.deepEqual(await readFile(path), source);
  assert.equal(await value('storage_written_bytes_total'), source.length);
  assert.equal(await value('storage_read_bytes_total'), source.length);
});

test('errors reach the caller as the same object and are counted by errno', async (t) => {
  const { dir, metrics, value } = await setup(t);
  const missing = join(dir, 'no', 'such', 'dir', 'seg.ts');
  const err = await openFile(missing, 'w', undefined, metrics).catch((e: unknown) => e);
  assert.ok(err instanceof Error);
  assert.equal((err as NodeJS.ErrnoException).code, 'ENOENT');
  assert.equal((err as NodeJS.ErrnoException).path, missing);

  // A read-only handle refuses writes with EBADF from the kernel.
  const path = join(dir, 'ro');
  await (await open(path, 'w')).close();
  const ro = instrumentFileHandle(await open(path, 'r'), metrics);
  await assert.rejects(ro.write(Buffer.from('x')), { code: 'EBADF', syscall: 'write' });
  // A caller mistake is not a storage error.
  await assert.rejects(ro.write(null as unknown as Buffer), { code: 'ERR_INVALID_ARG_TYPE' });
  await ro.close();

  // Identity: whatever the underlying handle rejects with is what the caller receives.
  const thrown = Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO', syscall: 'write' });
  const fake = { write: () => Promise.reject(thrown) };
  const wrapped = instrumentFileHandle(fake as unknown as FileHandle, metrics);
  const caught = await wrapped.write(Buffer.alloc(1)).catch((e: unknown) => e);
  assert.equal(caught, thrown);

  const errors = (type: string) => value('errors_total', { component: 'storage', type });
  assert.equal(await errors('ENOENT'), 1);
  assert.equal(await errors('EBADF'), 1);
  assert.equal(await errors('EIO'), 1);
  assert.equal(await errors('other'), undefined, 'ERR_INVALID_ARG_TYPE is not counted');
  assert.equal(await value('storage_written_bytes_total'), 0);
});

test('latency is sampled one in N for reads and writes, always for other operations', async (t) => {
  const harness = createHarness();
  const dir = await mkdtemp(join(tmpdir(), 'flux-storage-sample-'));
  const metrics = storageMetrics({ volume: 's', meterProvider: harness.provider, latencySampleEvery: 8 });
  t.after(async () => {
    await harness.shutdown();
    await rm(dir, { recursive: true, force: true });
  });
  const handle = await openFile(join(dir, 'f'), 'w', undefined, metrics);
  for (let i = 0; i < 100; i++) await handle.write(Buffer.alloc(10));
  await handle.sync();
  await handle.close();
  const text = await harness.scrape();
  const count = (operation: string) =>
    sampleValue(text, 'storage_io_duration_seconds_count', { operation, volume: 's' });
  assert.equal(count('write'), 13, 'writes 1, 9, 17, … 97');
  assert.equal(count('sync'), 1);
  assert.equal(
    sampleValue(text, 'storage_written_bytes_total', { volume: 's' }),
    1000,
    'bytes are never sampled',
  );
});
