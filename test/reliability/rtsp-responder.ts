import { createServer, type Server } from 'node:net';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';

/**
 * The smallest RTSP server the passive instrumentation can follow: it answers every request 200 with the
 * request's CSeq, a Session for SETUP (and the Transport echoed). Media servers differ; the
 * instrumentation only reads the dialogue.
 */
export function startRtspResponder(): Promise<{ server: Server; port: number }> {
  let sessions = 0;
  const server = createServer((socket) => {
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      let end: number;
      let out = '';
      while ((end = buffered.indexOf('\r\n\r\n')) !== -1) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const cseq = /\r\nCSeq:\s*(\S+)/i.exec(head)?.[1] ?? '0';
        const transport = /\r\nTransport:\s*([^\r\n]+)/i.exec(head)?.[1];
        const session = /\r\nSession:\s*([^\r\n;]+)/i.exec(head)?.[1];
        out += `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\n`;
        if (head.startsWith('SETUP '))
          out += `Session: ${session ?? `s${++sessions}`}\r\nTransport: ${transport}\r\n`;
        out += '\r\n';
      }
      if (out) socket.write(out);
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as { port: number }).port }),
    ),
  );
}

/** An RTSP client that pipelines requests and resolves when the answers to all of them arrived. */
export class RtspClient {
  #cseq = 0;
  #answered = 0;
  #waiters: { upTo: number; resolve: () => void }[] = [];
  readonly socket: Socket;
  private constructor(socket: Socket) {
    this.socket = socket;
    let tail = '';
    socket.on('data', (chunk: Buffer) => {
      const text = tail + chunk.toString('latin1');
      let index = 0;
      let at: number;
      while ((at = text.indexOf('RTSP/1.0 ', index)) !== -1) {
        this.#answered++;
        index = at + 9;
      }
      tail = text.slice(Math.max(index, text.length - 8));
      this.#waiters = this.#waiters.filter((w) => (w.upTo <= this.#answered ? (w.resolve(), false) : true));
    });
  }

  static async connect(port: number): Promise<RtspClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RtspClient(socket);
  }

  /** SETUP then TEARDOWN of one session on each of `paths`, pipelined; resolves once all are answered. */
  sessions(port: number, paths: readonly string[]): Promise<void> {
    let out = '';
    for (const [i, path] of paths.entries()) {
      const url = `rtsp://127.0.0.1:${port}/${path}/trackID=0`;
      out += `SETUP ${url} RTSP/1.0\r\nCSeq: ${++this.#cseq}\r\nSession: p${this.#cseq}-${i}\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n`;
      out += `TEARDOWN ${url} RTSP/1.0\r\nCSeq: ${++this.#cseq}\r\nSession: p${this.#cseq - 1}-${i}\r\n\r\n`;
    }
    return this.#send(out);
  }

  /** One OPTIONS round trip, in milliseconds. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.#send(`OPTIONS * RTSP/1.0\r\nCSeq: ${++this.#cseq}\r\n\r\n`);
    return performance.now() - started;
  }

  #send(text: string): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push({ upTo: this.#cseq, resolve });
      this.socket.write(text);
    });
  }
}
