import type { Cell } from '@flux-metrics/core';
import type { RtspInstruments } from './instruments.js';

/**
 * The per-stream counters one session adds to. Cells of the same stream name are shared by all its
 * sessions, so a stream's totals survive the sessions that come and go; `release` lets the series expire
 * (after the core's `seriesRetention`) once no session holds it.
 */
export class StreamCells {
  readonly started: Cell;
  readonly packetsSent: Cell;
  readonly packetsReceived: Cell;
  readonly bytesSent: Cell;
  readonly bytesReceived: Cell;
  readonly packetsLost: Cell;
  readonly rtcpSent: Cell;
  readonly rtcpReceived: Cell;
  /** Held from the first receiver report on, so no stream shows a jitter it never measured. */
  #jitter: Cell | undefined;

  constructor(
    private readonly instruments: RtspInstruments,
    readonly streamName: string,
  ) {
    const stream = { protocol: 'rtsp', stream_name: streamName };
    this.started = instruments.streamStarted.cell(stream);
    this.packetsSent = instruments.packetsSent.cell(stream);
    this.packetsReceived = instruments.packetsReceived.cell(stream);
    this.bytesSent = instruments.bytesSent.cell(stream);
    this.bytesReceived = instruments.bytesReceived.cell(stream);
    this.packetsLost = instruments.packetsLost.cell(stream);
    this.rtcpSent = instruments.rtcpPackets.cell({ direction: 'send', stream_name: streamName });
    this.rtcpReceived = instruments.rtcpPackets.cell({ direction: 'receive', stream_name: streamName });
  }

  /** One packet to the client; a size that is not a byte count is counted as invalid, not added. */
  sent(bytes: number): void {
    this.packetsSent.value++;
    this.instruments.bytesSent.addTo(this.bytesSent, bytes);
  }

  /** One packet from the client, its size checked like `sent`. */
  received(bytes: number): void {
    this.packetsReceived.value++;
    this.instruments.bytesReceived.addTo(this.bytesReceived, bytes);
  }

  setJitter(seconds: number): void {
    this.#jitter ??= this.instruments.jitter.cell({ stream_name: this.streamName });
    this.instruments.jitter.setTo(this.#jitter, seconds);
  }

  /** Counts one stopped stream by reason. */
  stopped(reason: string): void {
    this.instruments.streamStopped.add({ protocol: 'rtsp', stream_name: this.streamName, reason }, 1);
  }

  release(): void {
    const i = this.instruments;
    i.streamStarted.release(this.started);
    i.packetsSent.release(this.packetsSent);
    i.packetsReceived.release(this.packetsReceived);
    i.bytesSent.release(this.bytesSent);
    i.bytesReceived.release(this.bytesReceived);
    i.packetsLost.release(this.packetsLost);
    i.rtcpPackets.release(this.rtcpSent);
    i.rtcpPackets.release(this.rtcpReceived);
    if (this.#jitter) i.jitter.release(this.#jitter);
  }
}
