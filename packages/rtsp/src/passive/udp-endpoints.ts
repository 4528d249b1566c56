import type { MediaFlow, MediaTrack } from './media-track.js';

interface Endpoint extends MediaFlow {
  readonly address: string;
}

/** `::ffff:127.0.0.1` (dual-stack TCP) and `127.0.0.1` (UDP) name the same client. */
export function normalizeAddress(address: string): string {
  if (address.startsWith('::ffff:')) return address.slice(7);
  return address === 'localhost' ? '127.0.0.1' : address;
}

/** Client UDP ports announced in SETUP, so that datagrams can be counted for their session. */
export class UdpEndpoints {
  readonly #byPort = new Map<number, Endpoint[]>();

  /** Registers a track's client RTP and RTCP ports; returns the function that removes them. */
  add(address: string, ports: readonly [number, number], track: MediaTrack): () => void {
    const host = normalizeAddress(address);
    const added = ports.map((port, i) => {
      const endpoint: Endpoint = { address: host, track, rtcp: i === 1 };
      const list = this.#byPort.get(port) ?? [];
      list.push(endpoint);
      this.#byPort.set(port, list);
      return [port, endpoint] as const;
    });
    return () => {
      for (const [port, endpoint] of added) {
        const list = this.#byPort.get(port)?.filter((e) => e !== endpoint) ?? [];
        if (list.length > 0) this.#byPort.set(port, list);
        else this.#byPort.delete(port);
      }
    };
  }

  find(address: string, port: number): MediaFlow | undefined {
    const list = this.#byPort.get(port);
    if (list === undefined) return undefined;
    if (list.length === 1 && list[0]!.address === address) return list[0];
    const host = normalizeAddress(address);
    return list.find((e) => e.address === host);
  }
}
