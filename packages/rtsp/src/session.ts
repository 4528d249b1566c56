import type { StopReason } from '@flux-metrics/core';
import type { RtspInstruments } from './instruments.js';
import { readReportBlocks, readSenderReports, SenderReportTimes, type ReportBlock } from './rtcp.js';
import { StreamCells } from './stream-cells.js';
import type { ProcessingSampler } from './processing-sampler.js';

/** A session either plays a stream to a client or records (publishes) one from it. */
export type RtspMode = 'play' | 'record';

/** Default RTP clock rate (video) used to convert jitter when the caller does not know the track's rate. */
export const DEFAULT_CLOCK_RATE = 90_000;

/** Non-negative packet sizes only; NaN or negative sizes count as 0 rather than poison a total. */
const size = (bytes: number): number => (bytes > 0 ? bytes : 0);

/**
 * Hooks of one RTSP session (from SETUP to TEARDOWN or close). The packet hooks are the hot path: plain
 * increments of cells shared per stream, read by the SDK only at collection time.
 */
export class RtspSessionObserver {
  readonly #instruments: RtspInstruments;
  readonly #cells: StreamCells;
  readonly #sampler: ProcessingSampler;
  readonly #setupAt = performance.now();
  readonly #lostBySource = new Map<number, number>();
  /** Send times of this session's sender reports, from the first one seen. */
  #senderReports: SenderReportTimes | undefined;
  #mode: RtspMode;
  #startedAt = 0;
  #awaitingFirstPacket = false;
  #ended = false;

  /** @internal created by `RtspConnectionObserver.session()` */
  constructor(instruments: RtspInstruments, sampler: ProcessingSampler, streamName: string, mode: RtspMode) {
    this.#instruments = instruments;
    this.#sampler = sampler;
    this.#cells = new StreamCells(instruments, streamName);
    this.#mode = mode;
  }

  get streamName(): string {
    return this.#cells.streamName;
  }

  get mode(): RtspMode {
    return this.#mode;
  }

  get started(): boolean {
    return this.#startedAt !== 0;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** PLAY or RECORD was accepted: the stream counts as started; stream-start time runs to the first RTP. */
  start(mode: RtspMode = this.#mode): void {
    if (this.#ended || this.#startedAt !== 0) return; // PLAY after PAUSE continues the same stream
    this.#mode = mode;
    this.#startedAt = performance.now();
    this.#awaitingFirstPacket = true;
    this.#cells.started.value++;
    this.#instruments.activeStreams.record(1);
  }

  rtpSent(bytes: number): void {
    const cells = this.#cells;
    cells.packetsSent.value++;
    cells.bytesSent.value += size(bytes);
    if (this.#awaitingFirstPacket) this.#firstPacket();
  }

  rtpReceived(bytes: number): void {
    const cells = this.#cells;
    cells.packetsReceived.value++;
    cells.bytesReceived.value += size(bytes);
    if (this.#awaitingFirstPacket) this.#firstPacket();
  }

  /**
   * Counts an RTCP packet to the client. With the packet, its sender reports' send times are kept, and the
   * client's receiver reports that answer them give the RTT.
   */
  rtcpSent(bytes: number, packet?: Uint8Array): void {
    const cells = this.#cells;
    cells.packetsSent.value++;
    cells.bytesSent.value += size(bytes);
    cells.rtcpSent.value++;
    if (packet !== undefined)
      readSenderReports(packet, (this.#senderReports ??= new SenderReportTimes()).sent);
  }

  /** Counts an RTCP packet from the client and reads its receiver reports (loss, jitter, RTT). */
  rtcpReceived(packet: Uint8Array, clockRate: number = DEFAULT_CLOCK_RATE): void {
    const cells = this.#cells;
    cells.packetsReceived.value++;
    cells.bytesReceived.value += packet.byteLength;
    cells.rtcpReceived.value++;
    readReportBlocks(packet, (block) => this.receiverReport(block, clockRate));
  }

  /** One report block the client sent about what it receives (for servers that parse RTCP themselves). */
  receiverReport(block: ReportBlock, clockRate: number = DEFAULT_CLOCK_RATE): void {
    const previous = this.#lostBySource.get(block.ssrc) ?? 0;
    if (block.cumulativeLost > previous) {
      this.#cells.packetsLost.value += block.cumulativeLost - previous;
      this.#lostBySource.set(block.ssrc, block.cumulativeLost);
    }
    if (clockRate > 0) this.#cells.setJitter(block.jitter / clockRate);
    const rtt = this.#senderReports?.roundTripSeconds(block);
    if (rtt !== undefined) {
      this.#instruments.rtt.record(rtt);
      this.#instruments.packetLatency.record(rtt / 2);
    }
  }

  /** Marks the arrival of a media packet to time its fan-out; 0 when this packet is not sampled. */
  processingStarted(): number {
    return this.#sampler.start();
  }

  /** Ends the timing begun by `processingStarted` (nothing happens for unsampled packets). */
  processingEnded(token: number): void {
    if (token !== 0) this.#sampler.end(token);
  }

  /** TEARDOWN, timeout, kick or close: counts the stop and lets the stream's series expire. */
  end(reason: StopReason): void {
    if (this.#ended) return;
    this.#ended = true;
    const seconds = (performance.now() - this.#setupAt) / 1000;
    this.#instruments.sessionDuration.record(seconds, { mode: this.#mode });
    if (this.#startedAt !== 0) {
      this.#instruments.activeStreams.record(-1);
      this.#cells.stopped(reason);
    }
    this.#cells.release();
  }

  #firstPacket(): void {
    this.#awaitingFirstPacket = false;
    this.#instruments.streamStart.record((performance.now() - this.#startedAt) / 1000);
  }
}
