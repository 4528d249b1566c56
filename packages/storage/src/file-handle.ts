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
  const wrote = io(m.writes, (r) => r.bytesWritten);
  const read = io(m.reads, (r) => r.bytesRead);
  replaceMethod(handle, 'write', wrote);
  replaceMethod(handle, 'writev', wrote);
  replaceMethod(handle, 'read', read);
  replaceMethod(handle, 'readv', read);
  replaceMethod(handle, 'writeFile', (original) => wholeFileWrite(original, m));
  replaceMethod(handle, 'appendFile', (original) => wholeFileWrite(original, m));
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

function encodingOf(options: unknown): BufferEncoding | undefined {
  if (typeof options === 'string') return options as BufferEncoding;
  if (typeof options === 'object' && options !== null) {
    return (options as { encoding?: BufferEncoding | null }).encoding ?? undefined;
  }
  return undefined;
}

/**
 * writeFile/appendFile: the bytes of a string or view, or of each chunk of an iterable (counted as the
 * file takes the next one). Counted when the call succeeds; a failed call counts only its error.
 */
function wholeFileWrite(original: Method, m: StorageMetrics): Method {
  return (data, options, ...rest) => {
    const start = m.writes.start();
    const encoding = encodingOf(options);
    let bytes = 0;
    let source = data;
    if (typeof data === 'string' || ArrayBuffer.isView(data)) bytes = byteLength(data, encoding);
    else if (isIterable(data)) source = countChunks(data, encoding, (n) => (bytes += n));
    return (original(source, options, ...rest) as Promise<unknown>).then(
      (result) => {
        m.writes.done(bytes, start);
        return result;
      },
      (error: unknown) => {
        m.failed(error);
        throw error;
      },
    );
  };
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

/** Yields the same chunks; a chunk is counted once the consumer asks for the next one (it was written). */
async function* countChunks(
  source: Iterable<unknown> | AsyncIterable<unknown>,
  encoding: BufferEncoding | undefined,
  add: (bytes: number) => void,
): AsyncGenerator<unknown> {
  for await (const chunk of source) {
    yield chunk;
    add(byteLength(chunk, encoding));
  }
}
