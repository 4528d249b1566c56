import type { StopReason } from '@flux-metrics/core';
import type { RtspInstruments } from './instruments.js';
import { readReportBlocks, readSenderReports, SenderReportTimes, type ReportBlock } from './rtcp.js';
import { StreamCells } from './stream-cells.js';
import type { ProcessingSampler } from './processing-sampler.js';

/** A session either plays a stream to a client or records (publishes) one from it. */
export type RtspMode = 'play' | 'record';

/** Default RTP clock rate (video) used to convert jitter when the caller does not know the track's rate. */
export const DEFAULT_CLOCK_RATE = 90_000;

/**
 * Hooks of one RTSP session (from SETUP to TEARDOWN or close). The packet hooks are the hot path: plain
 * increments of cells shared per stream, read by the SDK only at collection time.
 */
export class RtspSessionObserver {
  readonly #instruments: RtspInstruments;
  readonly #cells: StreamCells;
  readonly #sampler: ProcessingSampler;
  readonly #setupAt = performance.now();
  /** Cumulative lost packets by SSRC (the caller's value as the key, whatever it is). */
  readonly #lostBySource = new Map<unknown, number>();
  /** Send times of this session's sender reports, from the first one seen. */
  #senderReports: SenderReportTimes | undefined;
  #mode: RtspMode;
  #startedAt = 0;
  #awaitingFirstPacket = false;
  #ended = false;
  readonly #onEnd: (session: RtspSessionObserver) => void;

  /** @internal created by `RtspConnectionObserver.session()`, which `onEnd` tells when the session ends */
  constructor(
    instruments: RtspInstruments,
    sampler: ProcessingSampler,
    streamName: string,
    mode: RtspMode,
    onEnd: (session: RtspSessionObserver) => void,
  ) {
    this.#instruments = instruments;
    this.#onEnd = onEnd;
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

  // Sizes and reports come from the caller: the cells check them (a bad one is counted, never added).

  rtpSent(bytes: number): void {
    this.#cells.sent(bytes);
    if (this.#awaitingFirstPacket) this.#firstPacket();
  }

  rtpReceived(bytes: number): void {
    this.#cells.received(bytes);
    if (this.#awaitingFirstPacket) this.#firstPacket();
  }

  /**
   * Counts an RTCP packet to the client. With the packet, its sender reports' send times are kept, and the
   * client's receiver reports that answer them give the RTT.
   */
  rtcpSent(bytes: number, packet?: Uint8Array): void {
    this.#cells.sent(bytes);
    this.#cells.rtcpSent.value++;
    if (packet instanceof Uint8Array)
      readSenderReports(packet, (this.#senderReports ??= new SenderReportTimes()).sent);
  }

  /** Counts an RTCP packet from the client and reads its receiver reports (loss, jitter, RTT). */
  rtcpReceived(packet: Uint8Array, clockRate: number = DEFAULT_CLOCK_RATE): void {
    const isPacket = packet instanceof Uint8Array;
    this.#cells.received(isPacket ? packet.byteLength : (undefined as unknown as number)); // no size: invalid
    this.#cells.rtcpReceived.value++;
    if (isPacket) readReportBlocks(packet, (block) => this.receiverReport(block, clockRate));
  }

  /** One report block the client sent about what it receives (for servers that parse RTCP themselves). */
  receiverReport(block: ReportBlock, clockRate: number = DEFAULT_CLOCK_RATE): void {
    const report: Partial<ReportBlock> = block ?? {};
    const lost: unknown = report.cumulativeLost;
    const previous = this.#lostBySource.get(report.ssrc) ?? 0;
    // Fewer lost than before (duplicates) adds nothing; anything but a number (a BigInt would throw in the
    // subtraction) goes to addTo as it is, to be counted as invalid.
    if (typeof lost !== 'number' || lost > previous || Number.isNaN(lost)) {
      const increase = typeof lost === 'number' ? lost - previous : lost;
      if (this.#instruments.packetsLost.addTo(this.#cells.packetsLost, increase as number))
        this.#lostBySource.set(report.ssrc, lost as number);
    }
    if (typeof clockRate === 'number' && clockRate > 0) {
      const jitter: unknown = report.jitter;
      this.#cells.setJitter(typeof jitter === 'number' ? jitter / clockRate : (jitter as number));
    }
    const rtt =
      typeof report.delaySinceLastSr === 'number'
        ? this.#senderReports?.roundTripSeconds(report as ReportBlock)
        : undefined;
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
    if (typeof token === 'number' && token !== 0) this.#sampler.end(token);
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
    this.#onEnd(this);
  }

  #firstPacket(): void {
    this.#awaitingFirstPacket = false;
    this.#instruments.streamStart.record((performance.now() - this.#startedAt) / 1000);
  }
}
