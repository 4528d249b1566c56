import { connect, type Socket } from 'node:net';
import { once } from 'node:events';

/**
 * A raw RTSP client for the fault switch: it speaks just enough RTSP to make the demo's server answer with
 * a server error or to end a playing session abnormally. Real requests to the real server, nothing faked.
 */
export class RtspFaultClient {
  readonly #socket: Socket;
  #buffer = '';
  #cseq = 0;
  #waiting: ((response: RtspResponse) => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.#read(chunk));
    socket.on('error', () => {}); // the server may close first; callers look at responses only
  }

  static async connect(host: string, port: number): Promise<RtspFaultClient> {
    const socket = connect(port, host);
    await once(socket, 'connect');
    return new RtspFaultClient(socket);
  }

  /** Sends one request and waits for its response (one at a time). */
  request(method: string, url: string, headers: Record<string, string> = {}): Promise<RtspResponse> {
    const lines = [
      `${method} ${url} RTSP/1.0`,
      `CSeq: ${++this.#cseq}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    const answer = new Promise<RtspResponse>((resolve) => (this.#waiting = resolve));
    this.#socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    return answer;
  }

  /** Ends with a TCP reset, as a crashed player or a broken network path does. */
  reset(): void {
    this.#socket.resetAndDestroy();
  }

  close(): void {
    this.#socket.destroy();
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.#buffer.slice(0, end).split('\r\n');
      const headers = new Map(
        head.slice(1).map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
        }),
      );
      const length = Number(headers.get('content-length') ?? 0);
      if (this.#buffer.length < end + 4 + length) return;
      const body = this.#buffer.slice(end + 4, end + 4 + length);
      this.#buffer = this.#buffer.slice(end + 4 + length);
      const status = Number(head[0]?.split(' ')[1]);
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.({ status, headers, body });
    }
  }
}

export interface RtspResponse {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

/** The first track's control URL from a DESCRIBE answer (absolute, or relative to Content-Base). */
export function firstTrackUrl(describe: RtspResponse, url: string): string {
  const control = /^a=control:(.+)$/m.exec(describe.body.split(/^m=/m)[1] ?? '')?.[1]?.trim();
  const base = describe.headers.get('content-base') ?? `${url}/`;
  if (!control || control === '*') return url;
  return /^rtsp:/i.test(control) ? control : new URL(control, base).href;
}
