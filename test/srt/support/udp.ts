import dgram from 'node:dgram';
import { once } from 'node:events';

/** A UDP port that was free a moment ago (bound to 0, then closed). */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address();
  socket.close();
  return port;
}

/** Counts datagrams arriving on a loopback port. */
export class UdpSink {
  received = 0;
  readonly port: number;
  readonly #socket: dgram.Socket;

  constructor(socket: dgram.Socket) {
    this.#socket = socket;
    this.port = socket.address().port;
    socket.on('message', () => this.received++);
  }

  static async start(): Promise<UdpSink> {
    const socket = dgram.createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new UdpSink(socket);
  }

  close(): void {
    this.#socket.close();
  }
}

/** Sends `count` datagrams of `size` bytes to a loopback port at `perSecond`, like a live TS source. */
export async function sendDatagrams(
  port: number,
  count: number,
  perSecond = 300,
  size = 1316,
): Promise<void> {
  const socket = dgram.createSocket('udp4');
  const payload = Buffer.alloc(size, 0x47);
  const perTick = Math.max(1, Math.round(perSecond / 100));
  let sent = 0;
  try {
    while (sent < count) {
      for (let i = 0; i < perTick && sent < count; i++, sent++) socket.send(payload, port, '127.0.0.1');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    socket.close();
  }
}

/** Polls `predicate` every 50 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
