import type { Readable, Writable } from 'node:stream';
import { byteLength } from './byte-length.js';
import { replaceMethod } from './patch.js';
import type { IoStart } from './sampled-io.js';
import type { StorageMetrics } from './storage-metrics.js';

type Callback = (error?: Error | null) => void;

/** Streams already metered: metering twice would count every byte twice. */
const metered = new WeakSet<Readable | Writable>();
type Chunk = { chunk: unknown; encoding: BufferEncoding };

/**
 * Meters a writable stream in place (e.g. `fs.createWriteStream(path)`) and returns it. Bytes are counted
 * when the stream's own `_write`/`_writev` finishes, so they are bytes the sink took, not bytes queued;
 * errors are counted where the stream is destroyed and reach the caller unchanged.
 * Do not use it on a stream made by a metered FileHandle: the handle already counts it.
 */
export function instrumentWritable<W extends Writable>(stream: W, metrics: StorageMetrics): W {
  if (metered.has(stream)) return stream;
  metered.add(stream);
  const settle = writtenBytes(stream, metrics);
  replaceMethod(stream, '_write', (original) => (chunk, encoding, callback) => {
    const start = metrics.writes.start();
    return original(chunk, encoding, (error?: Error | null) => {
      settle(error, start, () => byteLength(chunk, encoding as BufferEncoding));
      (callback as Callback)(error);
    });
  });
  replaceMethod(stream, '_writev', (original) => (chunks, callback) => {
    const start = metrics.writes.start();
    return original(chunks, (error?: Error | null) => {
      settle(error, start, () => {
        let bytes = 0;
        for (const c of chunks as Chunk[]) bytes += byteLength(c.chunk, c.encoding);
        return bytes;
      });
      (callback as Callback)(error);
    });
  });
  countDestroyError(stream, metrics);
  return stream;
}

/**
 * Counts one finished `_write`/`_writev`. File streams keep `bytesWritten`, which also holds the part of a
 * chunk written before a failure (a disk filling up mid-chunk); other sinks count whole chunks on success.
 */
function writtenBytes(stream: Writable, metrics: StorageMetrics) {
  const file = stream as Writable & { bytesWritten?: unknown };
  let last = typeof file.bytesWritten === 'number' ? file.bytesWritten : -1;
  return (error: Error | null | undefined, start: IoStart, chunkBytes: () => number): void => {
    if (last >= 0 && typeof file.bytesWritten === 'number') {
      const now = file.bytesWritten;
      metrics.writes.done(now - last, error ? -1 : start);
      last = now;
    } else if (!error) {
      metrics.writes.done(chunkBytes(), start);
    }
  };
}

/**
 * Meters a readable stream in place (e.g. `fs.createReadStream(path)`) and returns it. Bytes are counted
 * as the stream pushes them; no listener is added, so flowing mode and backpressure are untouched.
 * Do not use it on a stream made by a metered FileHandle: the handle already counts it.
 */
export function instrumentReadable<R extends Readable>(stream: R, metrics: StorageMetrics): R {
  if (metered.has(stream)) return stream;
  metered.add(stream);
  let start = -1;
  replaceMethod(stream, '_read', (original) => (size) => {
    start = metrics.reads.start();
    return original(size);
  });
  replaceMethod(stream, 'push', (original) => (chunk, encoding) => {
    if (chunk !== null && chunk !== undefined) {
      metrics.reads.done(byteLength(chunk, encoding as BufferEncoding), start);
      start = -1;
    }
    return original(chunk, encoding);
  });
  countDestroyError(stream, metrics);
  return stream;
}

/** Every stream error ends in `_destroy(error, callback)`, including open and close failures. */
function countDestroyError(stream: Readable | Writable, metrics: StorageMetrics): void {
  replaceMethod(stream, '_destroy', (original) => (error, callback) => {
    if (error) metrics.failed(error);
    return original(error, (closeError?: Error | null) => {
      if (closeError && closeError !== error) metrics.failed(closeError);
      (callback as Callback)(closeError);
    });
  });
}
