import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';

/**
 * A UDP relay standing in for the network between the demo's SRT publisher and its ingest. With a loss share
 * above 0 it drops that share of the publisher's datagrams, so SRT sees real loss and retransmits; replies
 * (ACKs, NAKs) always pass.
 */
export class LossyRelay {
  /** Share of publisher → ingest datagrams dropped, 0–1. */
  loss = 0;
  readonly #front: Socket;
  readonly #upstream = new Map<string, Socket>();

  private readonly target: { host: string; port: number };

  private constructor(front: Socket, target: { host: string; port: number }) {
    this.#front = front;
    this.target = target;
    front.on('message', (datagram, from) => this.#forward(datagram, from.address, from.port));
  }

  static async start(target: { host: string; port: number }): Promise<LossyRelay> {
    const front = createSocket('udp4');
    front.bind(0, '127.0.0.1');
    await once(front, 'listening');
    return new LossyRelay(front, target);
  }

  get port(): number {
    return this.#front.address().port;
  }

  close(): void {
    this.#front.close();
    for (const socket of this.#upstream.values()) socket.close();
  }

  #forward(datagram: Buffer, address: string, port: number): void {
    if (this.loss > 0 && Math.random() < this.loss) return;
    const key = `${address}:${port}`;
    let upstream = this.#upstream.get(key);
    if (!upstream) {
      const socket = createSocket('udp4');
      socket.on('message', (reply) => this.#front.send(reply, port, address));
      socket.on('error', () => socket.close());
      socket.bind(0, '127.0.0.1');
      this.#upstream.set(key, socket);
      upstream = socket;
    }
    upstream.send(datagram, this.target.port, this.target.host);
  }
}
