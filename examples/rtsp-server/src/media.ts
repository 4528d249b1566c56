/** Where one track's RTP and RTCP go (players) or come from (publishers). */
export type TrackTransport =
  | { readonly kind: 'udp'; readonly address: string; readonly rtpPort: number; readonly rtcpPort: number }
  | { readonly kind: 'tcp'; readonly rtpChannel: number; readonly rtcpChannel: number };

/** Sends packets of a track over its transport (the server's UDP sockets or the RTSP connection). */
export interface MediaOutput {
  rtp(transport: TrackTransport, packet: Buffer): void;
  rtcp(transport: TrackTransport, packet: Buffer): void;
}

const NTP_UNIX_OFFSET_S = 2_208_988_800;

/** An RTCP sender report (RFC 3550 §6.4.1) without report blocks. */
export function senderReport(ssrc: number, rtpTimestamp: number, packets: number, octets: number): Buffer {
  const unixMs = performance.timeOrigin + performance.now();
  const packet = Buffer.alloc(28);
  packet.writeUInt8(0x80, 0); // version 2, no padding, no report blocks
  packet.writeUInt8(200, 1); // SR
  packet.writeUInt16BE(6, 2); // length in 32-bit words minus one
  packet.writeUInt32BE(ssrc >>> 0, 4);
  packet.writeUInt32BE(Math.floor(unixMs / 1000) + NTP_UNIX_OFFSET_S, 8);
  packet.writeUInt32BE(Math.floor(((unixMs % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  packet.writeUInt32BE(rtpTimestamp >>> 0, 16);
  packet.writeUInt32BE(packets >>> 0, 20);
  packet.writeUInt32BE(octets >>> 0, 24);
  return packet;
}

/** One track a player receives: relays RTP and tells the player what was sent with sender reports. */
export class PlayerTrack {
  #packets = 0;
  #octets = 0;
  #ssrc = 0;
  #rtpTimestamp = 0;

  constructor(
    readonly transport: TrackTransport,
    private readonly output: MediaOutput,
  ) {}

  sendRtp(packet: Buffer): void {
    if (packet.length < 12) return;
    this.#packets++;
    this.#octets += packet.length - 12;
    this.#ssrc = packet.readUInt32BE(8);
    this.#rtpTimestamp = packet.readUInt32BE(4);
    this.output.rtp(this.transport, packet);
  }

  sendSenderReport(): void {
    if (this.#packets === 0) return;
    this.output.rtcp(
      this.transport,
      senderReport(this.#ssrc, this.#rtpTimestamp, this.#packets, this.#octets),
    );
  }
}

/** The `a=control` of every media section of an SDP (empty string where a section has none). */
export function trackControls(sdp: string): string[] {
  return sdp
    .split(/\r?\nm=/)
    .slice(1)
    .map((section) => /\r?\na=control:([^\r\n]*)/.exec(section)?.[1]?.trim() ?? '');
}
