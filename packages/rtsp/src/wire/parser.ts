import { isStartLine, parseHead, type RtspMessage } from './message.js';

/** What an RTSP byte stream carries: messages and interleaved binary frames (RFC 2326 §10.12). */
export interface WireListener {
  message(message: RtspMessage): void;
  /** A frame `$ channel length`; return true to receive its payload in `framePayload`. */
  frame(channel: number, length: number): boolean;
  framePayload(channel: number, payload: Buffer): void;
  /** Bytes that are no RTSP message (bad start line or Content-Length, endless head); parsing resumes after them. */
  malformed(): void;
}

const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;
/** Bounds on what is buffered: a head larger than this is not RTSP. */
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;

// What the next byte belongs to.
const BETWEEN = 0; // blank lines between messages, or the start of one
const FRAME_HEADER = 1; // the 3 bytes after `$`
const HEAD = 2; // a message head, up to its blank line
const CONTENT = 3; // a message body or frame payload: `#remaining` bytes
const RESYNC = 4; // after an endless head: skipped up to the next line end or `$`

/**
 * Incremental parser of one direction of an RTSP connection, linear in its input: every byte is looked at
 * once, frame payloads nobody wants are skipped without copying, and only head bytes are buffered (copied
 * once, into a buffer that grows by doubling). Line ends are CRLF or a bare LF (RFC 2326 §4). A malformed
 * message is reported and skipped, so the frames after it are still seen.
 */
export class RtspWireParser {
  readonly #listener: WireListener;
  #state = BETWEEN;
  /** Head bytes so far, and consecutive line ends at their end (2 ends the head). */
  #head = Buffer.allocUnsafe(512);
  #headLength = 0;
  #lineEnds = 0;
  /** `$ channel length-high length-low` of a frame whose header is split across chunks. */
  readonly #frameHeader = Buffer.alloc(4);
  #frameHeaderLength = 0;
  /** Bytes of the current frame payload or message body still to come. */
  #remaining = 0;
  #parts: Buffer[] | undefined;
  #channel = -1;
  #message: { startLine: string; headers: Map<string, string> } | undefined;

  constructor(listener: WireListener) {
    this.#listener = listener;
  }

  push(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.#state) {
        case CONTENT: {
          const take = Math.min(this.#remaining, n - i);
          this.#parts?.push(chunk.subarray(i, i + take));
          i += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#complete();
          break;
        }
        case BETWEEN: {
          const byte = chunk[i];
          if (byte === CR || byte === LF) {
            i++;
          } else if (byte === DOLLAR) {
            if (n - i >= 4) {
              this.#beginFrame(chunk[i + 1]!, chunk.readUInt16BE(i + 2));
              i += 4;
            } else {
              this.#frameHeaderLength = 0;
              this.#state = FRAME_HEADER;
            }
          } else {
            this.#headLength = 0;
            this.#lineEnds = 0;
            this.#state = HEAD;
          }
          break;
        }
        case FRAME_HEADER: {
          this.#frameHeader[this.#frameHeaderLength++] = chunk[i++]!;
          if (this.#frameHeaderLength === 4) {
            this.#beginFrame(this.#frameHeader[1]!, this.#frameHeader.readUInt16BE(2));
          }
          break;
        }
        case HEAD:
          i = this.#scanHead(chunk, i);
          break;
        case RESYNC: {
          let j = i;
          while (j < n && chunk[j] !== LF && chunk[j] !== DOLLAR) j++;
          if (j < n) {
            this.#state = BETWEEN;
            if (chunk[j] === LF) j++;
          }
          i = j;
          break;
        }
      }
    }
  }

  /** Copies head bytes up to the blank line (or the chunk's end); returns where it stopped. */
  #scanHead(chunk: Buffer, from: number): number {
    const n = chunk.length;
    let ends = this.#lineEnds;
    let j = from;
    for (; j < n && ends < 2; j++) {
      const byte = chunk[j];
      if (byte === LF) ends++;
      else if (byte !== CR) ends = 0;
    }
    this.#lineEnds = ends;
    const length = this.#headLength + (j - from);
    if (length > MAX_HEAD_BYTES) {
      this.#listener.malformed();
      this.#state = RESYNC;
      return j;
    }
    if (length > this.#head.length) {
      const grown = Buffer.allocUnsafe(Math.min(MAX_HEAD_BYTES, Math.max(length, this.#head.length * 2)));
      this.#head.copy(grown, 0, 0, this.#headLength);
      this.#head = grown;
    }
    chunk.copy(this.#head, this.#headLength, from, j);
    this.#headLength = length;
    if (ends === 2) this.#beginMessage(this.#head.toString('latin1', 0, length));
    return j;
  }

  #beginFrame(channel: number, length: number): void {
    this.#channel = channel;
    this.#message = undefined;
    this.#parts = this.#listener.frame(channel, length) ? [] : undefined;
    this.#content(length);
  }

  #beginMessage(head: string): void {
    const message = parseHead(head);
    const length = Number(message.headers.get('content-length') ?? 0);
    if (!isStartLine(message.startLine) || !Number.isInteger(length) || length < 0) {
      // The body, if any, cannot be told apart: it is read as what follows.
      this.#listener.malformed();
      this.#state = BETWEEN;
      return;
    }
    if (length > MAX_BODY_BYTES) {
      this.#listener.malformed();
      this.#message = undefined;
      this.#parts = undefined; // skipped, not kept
    } else {
      this.#message = message;
      this.#parts = [];
    }
    this.#content(length);
  }

  #content(length: number): void {
    this.#remaining = length;
    this.#state = CONTENT;
    if (length === 0) this.#complete();
  }

  #complete(): void {
    this.#state = BETWEEN;
    const parts = this.#parts;
    this.#parts = undefined;
    const message = this.#message;
    this.#message = undefined;
    if (parts === undefined) return;
    const payload = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (message) this.#listener.message({ ...message, body: payload });
    else this.#listener.framePayload(this.#channel, payload);
  }
}
