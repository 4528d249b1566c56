/** Bytes a chunk occupies on disk: views by their length, strings in their encoding, anything else 0. */
export function byteLength(chunk: unknown, encoding?: BufferEncoding | null): number {
  if (ArrayBuffer.isView(chunk)) return chunk.byteLength;
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, encoding ?? 'utf8');
  return 0;
}
