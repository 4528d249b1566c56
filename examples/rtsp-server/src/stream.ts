import type { PlayerTrack } from './media.js';

/** A player of a stream: its tracks by index, and how to disconnect it when the stream ends. */
export interface Player {
  readonly tracks: ReadonlyMap<number, PlayerTrack>;
  disconnect(): void;
}

/** A published stream: the publisher's description and the players it is relayed to. */
export class LiveStream {
  readonly players = new Set<Player>();

  constructor(
    readonly name: string,
    readonly sdp: string,
    readonly controls: readonly string[],
  ) {}

  /** Relays one RTP packet of track `index` to every player of that track. */
  forward(index: number, packet: Buffer): void {
    for (const player of this.players) player.tracks.get(index)?.sendRtp(packet);
  }

  sendSenderReports(): void {
    for (const player of this.players) for (const track of player.tracks.values()) track.sendSenderReport();
  }

  /** The index of the track a SETUP URL path (`cam1/streamid=0`) names, or -1. */
  trackIndex(setupPath: string): number {
    if (setupPath === this.name) return this.controls.length === 1 ? 0 : -1;
    const control = setupPath.slice(this.name.length + 1);
    return this.controls.findIndex((c) => c === control || c.endsWith(`/${this.name}/${control}`));
  }
}
