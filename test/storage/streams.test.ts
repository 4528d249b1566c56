import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { instrumentReadable, instrumentWritable, storageMetrics } from '@flux-metrics/storage';
import { createHarness } from '../support/harness.ts';
import { sampleValue } from './exposition.ts';

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const harness = createHarness();
  const dir = await mkdtemp(join(tmpdir(), 'flux-storage-streams-'));
  const metrics = storageMetrics({
    volume: 'streams',
    meterProvider: harness.provider,
    latencySampleEvery: 1,
  });
  t.after(async () => {
    metrics.close();
    await harness.shutdown();
    await rm(dir, { recursive: true, force: true });
  });
  const value = async (name: string, labels: Record<string, string> = { volume: 'streams' }) =>
    sampleValue(await harness.scrape(), name, labels);
  return { dir, metrics, value };
}

test('a metered fs write stream counts exactly the bytes that reach the file', async (t) => {
  const { dir, metrics, value } = await setup(t);
  const path = join(dir, 'rec.ts');
  const out = instrumentWritable(createWriteStream(path, { highWaterMark: 1024 }), metrics);
  assert.equal(instrumentWritable(out, metrics), out, 'metering twice changes nothing (no double count)');
  assert.equal(out.listenerCount('error'), 0, 'no error listener added: unhandled errors stay unhandled');
  let expected = 0;
  const chunkOf = (i: number) => (i % 3 === 0 ? `chunk ${i} ünïcode\n` : randomBytes(500 + i));
  // Written before the file is open: buffered, then flushed in one _writev.
  for (let i = 0; i < 100; i++) {
    const chunk = chunkOf(i);
    expected += Buffer.byteLength(chunk);
    out.write(chunk);
  }
  // Written one at a time: one _write each.
  for (let i = 100; i < 200; i++) {
    const chunk = chunkOf(i);
    expected += Buffer.byteLength(chunk);
    await new Promise<void>((resolve, reject) => out.write(chunk, (e) => (e ? reject(e) : resolve())));
  }
  out.end();
  await once(out, 'close');
  assert.equal((await stat(path)).size, expected);
  assert.equal(await value('storage_written_bytes_total'), expected);
  const writes = await value('storage_io_duration_seconds_count', { operation: 'write', volume: 'streams' });
  assert.ok(writes !== undefined && writes >= 100 && writes <= 200, `timed writes: ${writes}`);
});

test('a metered fs read stream counts every byte it pushes', async (t) => {
  const { dir, metrics, value } = await setup(t);
  const path = join(dir, 'rec.ts');
  const data = randomBytes(1_000_003);
  const out = instrumentWritable(createWriteStream(path), metrics);
  await pipeline(Readable.from([data]), out);
  const input = instrumentReadable(createReadStream(path, { highWaterMark: 4096 }), metrics);
  const chunks: Buffer[] = [];
  await pipeline(
    input,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    }),
  );
  assert.deepEqual(Buffer.concat(chunks), data);
  assert.deepEqual(await readFile(path), data);
  assert.equal(await value('storage_read_bytes_total'), data.length);
  assert.equal(await value('storage_written_bytes_total'), data.length);
  const reads = await value('storage_io_duration_seconds_count', { operation: 'read', volume: 'streams' });
  assert.equal(reads, Math.ceil(data.length / 4096), 'one timed read per chunk');
});

test('stream errors reach the caller unchanged and are counted by errno', async (t) => {
  const { dir, metrics, value } = await setup(t);
  const missing = join(dir, 'missing', 'rec.ts');
  const plain = createWriteStream(missing);
  const metered = instrumentWritable(createWriteStream(missing), metrics);
  const [[plainError], [meteredError]] = (await Promise.all([
    once(plain, 'error'),
    once(metered, 'error'),
  ])) as [[NodeJS.ErrnoException], [NodeJS.ErrnoException]];
  assert.equal(meteredError.code, 'ENOENT');
  assert.equal(meteredError.message, plainError.message);
  assert.equal(meteredError.syscall, plainError.syscall);

  const dirStream = instrumentReadable(createReadStream(dir), metrics).resume();
  const [dirError] = (await once(dirStream, 'error')) as [NodeJS.ErrnoException];
  assert.equal(dirError.code, 'EISDIR');

  // A custom sink's own error object is the one the caller's pipeline rejects with.
  const eio = Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO', errno: -5, syscall: 'write' });
  const sink = instrumentWritable(new Writable({ write: (_c, _e, callback) => callback(eio) }), metrics);
  await assert.rejects(pipeline(Readable.from([Buffer.from('x')]), sink), (e) => e === eio);

  // Destroyed by its owner with a non-filesystem error: not a storage error.
  const owned = instrumentWritable(new Writable({ write: (_c, _e, callback) => callback() }), metrics);
  const closed = new Promise((resolve) => owned.on('error', () => {}).on('close', resolve));
  owned.destroy(new Error('viewer left'));
  await closed;

  const errors = (type: string) => value('errors_total', { component: 'storage', type });
  assert.equal(await errors('ENOENT'), 1);
  assert.equal(await errors('EISDIR'), 1);
  assert.equal(await errors('EIO'), 1);
  assert.equal(await errors('other'), undefined);
});
