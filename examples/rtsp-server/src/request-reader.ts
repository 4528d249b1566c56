/** A parsed RTSP request; header names are lower-case. */
export interface RtspRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

export interface ReaderEvents {
  request(request: RtspRequest): void;
  /** An interleaved RTP/RTCP packet (`$`, channel, 16-bit length, packet) sent by a TCP client. */
  interleaved(channel: number, packet: Buffer): void;
  /** The client sent something that is not RTSP. */
  invalid(): void;
}

/** Splits the bytes a client sends into requests and interleaved packets. */
export class RequestReader {
  #buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly events: ReaderEvents) {}

  read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length > 0 && this.#next());
  }

  /** Consumes one request or packet from the buffer; false when more bytes are needed. */
  #next(): boolean {
    const data = this.#buffer;
    if (data[0] === 0x24) {
      if (data.length < 4) return false;
      const end = 4 + data.readUInt16BE(2);
      if (data.length < end) return false;
      this.#buffer = data.subarray(end);
      this.events.interleaved(data[1] ?? 0, data.subarray(4, end));
      return true;
    }
    const headEnd = data.indexOf('\r\n\r\n');
    if (headEnd < 0) {
      if (data.length > 16_384) this.#fail();
      return false;
    }
    const [requestLine = '', ...lines] = data.toString('latin1', 0, headEnd).split('\r\n');
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const bodyStart = headEnd + 4;
    const bodyEnd = bodyStart + Number(headers.get('content-length') ?? 0);
    if (!Number.isFinite(bodyEnd)) return this.#fail();
    if (data.length < bodyEnd) return false;
    this.#buffer = data.subarray(bodyEnd);
    const [method = '', url = ''] = requestLine.split(' ');
    this.events.request({ method, url, headers, body: data.toString('utf8', bodyStart, bodyEnd) });
    return true;
  }

  #fail(): false {
    this.#buffer = Buffer.alloc(0);
    this.events.invalid();
    return false;
  }
}
