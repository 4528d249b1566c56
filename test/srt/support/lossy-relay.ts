import dgram from 'node:dgram';
import { once } from 'node:events';

/**
 * A UDP relay between an SRT caller and an SRT listener that drops every `dropEvery`-th data packet on
 * the way to the listener (SRT data packets have the high bit of the first byte clear; control packets,
 * handshakes, ACKs and NAKs, always pass). Retransmitted data packets are data packets too.
 */
export class LossyRelay {
  /** Data packets dropped so far. */
  dropped = 0;
  /** Data packets seen on the way to the listener (dropped or not). */
  dataPackets = 0;
  /** Set to false to let everything through (e.g. to flush final statistics). */
  dropping = true;
  readonly port: number;
  readonly #socket: dgram.Socket;
  readonly #upstreamPort: number;
  readonly #dropEvery: number;
  #client: { address: string; port: number } | undefined;

  constructor(socket: dgram.Socket, upstreamPort: number, dropEvery: number) {
    this.#socket = socket;
    this.port = socket.address().port;
    this.#upstreamPort = upstreamPort;
    this.#dropEvery = dropEvery;
    socket.on('message', (message, from) => this.#relay(message, from));
  }

  static async start(upstreamPort: number, dropEvery: number): Promise<LossyRelay> {
    const socket = dgram.createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new LossyRelay(socket, upstreamPort, dropEvery);
  }

  #relay(message: Buffer, from: dgram.RemoteInfo): void {
    if (from.port === this.#upstreamPort) {
      if (this.#client) this.#socket.send(message, this.#client.port, this.#client.address);
      return;
    }
    this.#client = { address: from.address, port: from.port };
    const isData = message.length > 0 && (message[0]! & 0x80) === 0;
    if (isData) {
      this.dataPackets++;
      if (this.dropping && this.#dropEvery > 0 && this.dataPackets % this.#dropEvery === 0) {
        this.dropped++;
        return;
      }
    }
    this.#socket.send(message, this.#upstreamPort, '127.0.0.1');
  }

  close(): void {
    this.#socket.close();
  }
}
