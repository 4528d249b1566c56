import { open, type FileHandle } from 'node:fs/promises';
import type { Mode, OpenMode } from 'node:fs';
import { byteLength } from './byte-length.js';
import { replaceMethod, type Method } from './patch.js';
import type { SampledIo } from './sampled-io.js';
import type { StorageMetrics, StorageOperation } from './storage-metrics.js';

const metered = new WeakSet<FileHandle>();

type IoResult = { bytesWritten?: number; bytesRead?: number };

/**
 * Meters a `fs/promises` FileHandle in place and returns it: same object, same results, same error
 * objects. Counts bytes of write/writev/writeFile/appendFile and read/readv/readFile, times sync, datasync,
 * stat and close, and counts filesystem errors of every method. Streams made by `createReadStream` and
 * `createWriteStream` go through the handle's read and write, so they are counted too.
 */
export function instrumentFileHandle(handle: FileHandle, metrics: StorageMetrics): FileHandle {
  if (metered.has(handle)) return handle;
  metered.add(handle);
  const m = metrics;
  const io =
    (direction: SampledIo, bytesOf: (result: IoResult) => number | undefined) =>
    (original: Method) =>
    (...args: unknown[]) => {
      const start = direction.start();
      return (original(...args) as Promise<IoResult>).then(
        (result) => {
          direction.done(bytesOf(result) ?? 0, start);
          return result;
        },
        (error: unknown) => {
          m.failed(error);
          throw error;
        },
      );
    };
  // Unmetered, for writeFile/appendFile, which count their own bytes (one latency sample per call).
  const rawWrite = handle.write.bind(handle) as RawWrite;
  const wrote = io(m.writes, (r) => r.bytesWritten);
  const read = io(m.reads, (r) => r.bytesRead);
  replaceMethod(handle, 'write', wrote);
  replaceMethod(handle, 'writev', wrote);
  replaceMethod(handle, 'read', read);
  replaceMethod(handle, 'readv', read);
  replaceMethod(handle, 'writeFile', (original) => wholeFileWrite(original, rawWrite, m));
  replaceMethod(handle, 'appendFile', (original) => wholeFileWrite(original, rawWrite, m));
  replaceMethod(handle, 'readFile', (original) => wholeFileRead(original, m));
  const timed =
    (operation: StorageOperation) =>
    (original: Method) =>
    (...args: unknown[]) =>
      m.timed(operation, () => original(...args) as Promise<unknown>);
  replaceMethod(handle, 'sync', timed('sync'));
  replaceMethod(handle, 'datasync', timed('sync'));
  replaceMethod(handle, 'stat', timed('stat'));
  replaceMethod(handle, 'close', timed('close'));
  for (const name of ['truncate', 'chmod', 'chown', 'utimes'])
    replaceMethod(handle, name, (o) => counted(o, m));
  return handle;
}

/** `open()` timed as `open`, its errno counted, and the handle metered. */
export async function openFile(
  path: string,
  flags: OpenMode | undefined,
  mode: Mode | undefined,
  metrics: StorageMetrics,
): Promise<FileHandle> {
  const handle = await metrics.timed('open', () => open(path, flags, mode));
  return instrumentFileHandle(handle, metrics);
}

function counted(original: Method, m: StorageMetrics): Method {
  return (...args) =>
    (original(...args) as Promise<unknown>).catch((error: unknown) => {
      m.failed(error);
      throw error;
    });
}

type RawWrite = (
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: null,
) => Promise<{ bytesWritten: number }>;

function encodingOf(options: unknown): BufferEncoding | undefined {
  if (typeof options === 'string') return options as BufferEncoding;
  if (typeof options === 'object' && options !== null) {
    return (options as { encoding?: BufferEncoding | null }).encoding ?? undefined;
  }
  return undefined;
}

/** Node's FileHandle.writeFile writes at most this much per write(2) (kWriteFileMaxChunkSize). */
const MAX_CHUNK = 512 * 1024;

/**
 * writeFile/appendFile, done the way Node does it (write(2) calls at the current position, 512 KiB at a
 * time, chunk by chunk for iterables, the signal checked between writes) but through the handle's own
 * `write`, so every byte that reached the file is counted — also when ENOSPC cuts the call short. Data
 * Node would refuse goes to the original, which throws its own argument error.
 */
function wholeFileWrite(original: Method, write: RawWrite, m: StorageMetrics): Method {
  return (data, options, ...rest) => {
    const encoding = encodingOf(options) ?? 'utf8';
    const chunks =
      typeof data === 'string' || ArrayBuffer.isView(data) ? [data] : isIterable(data) ? data : undefined;
    if (chunks === undefined) return original(data, options, ...rest);
    const signal =
      typeof options === 'object' ? (options as { signal?: AbortSignal } | null)?.signal : undefined;
    const start = m.writes.start();
    let bytes = 0;
    const writeAll = async (): Promise<void> => {
      throwIfAborted(signal);
      for await (const chunk of chunks) {
        throwIfAborted(signal);
        let view = asBytes(chunk, encoding);
        while (view.byteLength > 0) {
          const { bytesWritten } = await write(view, 0, Math.min(view.byteLength, MAX_CHUNK), null);
          bytes += bytesWritten;
          view = view.subarray(bytesWritten);
          throwIfAborted(signal);
        }
      }
    };
    return writeAll().then(
      () => m.writes.done(bytes, start),
      (error: unknown) => {
        m.writes.done(bytes, -1);
        m.failed(error);
        throw error;
      },
    );
  };
}

function asBytes(chunk: unknown, encoding: BufferEncoding): Uint8Array {
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(chunk as string, encoding);
}

/** Node's own abort error for fs calls (AbortError, code ABORT_ERR, the signal's reason as cause). */
function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw Object.assign(new Error('The operation was aborted', { cause: signal.reason }), {
    name: 'AbortError',
    code: 'ABORT_ERR',
  });
}

function wholeFileRead(original: Method, m: StorageMetrics): Method {
  return (options, ...rest) => {
    const start = m.reads.start();
    return (original(options, ...rest) as Promise<unknown>).then(
      (content) => {
        m.reads.done(byteLength(content, encodingOf(options)), start);
        return content;
      },
      (error: unknown) => {
        m.failed(error);
        throw error;
      },
    );
  };
}

function isIterable(data: unknown): data is Iterable<unknown> | AsyncIterable<unknown> {
  return (
    typeof data === 'object' && data !== null && (Symbol.asyncIterator in data || Symbol.iterator in data)
  );
}
