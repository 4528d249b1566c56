import { parseHead, type RtspMessage } from './message.js';

/** What an RTSP byte stream carries: messages and interleaved binary frames (RFC 2326 §10.12). */
export interface WireListener {
  message(message: RtspMessage): void;
  /** A frame `$ channel length`; return true to receive its payload in `framePayload`. */
  frame(channel: number, length: number): boolean;
  framePayload(channel: number, payload: Buffer): void;
}

const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;
const HEAD_END = Buffer.from('\r\n\r\n');
/** Bounds on what is buffered: a head larger than this is not RTSP. */
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Incremental parser of one direction of an RTSP connection. Frame payloads nobody wants are skipped
 * without copying; only heads split across chunks are buffered. After `failed` it ignores its input.
 */
export class RtspWireParser {
  readonly #listener: WireListener;
  #carry: Buffer | undefined;
  /** Bytes of the current frame payload or message body still to come. */
  #remaining = 0;
  #parts: Buffer[] | undefined;
  #channel = -1;
  #head: { startLine: string; headers: Map<string, string> } | undefined;
  failed = false;

  constructor(listener: WireListener) {
    this.#listener = listener;
  }

  push(input: Buffer): void {
    if (this.failed) return;
    let chunk = input;
    if (this.#carry) {
      chunk = Buffer.concat([this.#carry, input]);
      this.#carry = undefined;
    }
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, n - i);
        this.#parts?.push(chunk.subarray(i, i + take));
        i += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#complete();
        continue;
      }
      const byte = chunk[i];
      if (byte === CR || byte === LF) {
        i++; // blank lines between messages
        continue;
      }
      if (byte === DOLLAR) {
        if (n - i < 4) break;
        this.#beginFrame(chunk[i + 1] ?? 0, chunk.readUInt16BE(i + 2));
        i += 4;
        continue;
      }
      const end = chunk.indexOf(HEAD_END, i);
      if (end < 0) {
        if (n - i > MAX_HEAD_BYTES) this.failed = true;
        break;
      }
      this.#beginMessage(chunk.toString('latin1', i, end));
      i = end + HEAD_END.length;
      if (this.failed) return;
    }
    if (i < n && !this.failed) this.#carry = Buffer.from(chunk.subarray(i));
  }

  #beginFrame(channel: number, length: number): void {
    this.#channel = channel;
    this.#head = undefined;
    this.#parts = this.#listener.frame(channel, length) ? [] : undefined;
    this.#remaining = length;
    if (length === 0) this.#complete();
  }

  #beginMessage(head: string): void {
    this.#head = parseHead(head);
    const length = Number(this.#head.headers.get('content-length') ?? 0);
    if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) {
      this.failed = true;
      return;
    }
    this.#parts = [];
    this.#remaining = length;
    if (length === 0) this.#complete();
  }

  #complete(): void {
    const parts = this.#parts;
    this.#parts = undefined;
    const head = this.#head;
    this.#head = undefined;
    const payload = parts === undefined ? undefined : parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (head) this.#listener.message({ ...head, body: payload ?? Buffer.alloc(0) });
    else if (payload) this.#listener.framePayload(this.#channel, payload);
  }
}
