/** RTCP (RFC 3550 §6.4): the parts of sender and receiver reports that metrics need. */

export const RTCP_SR = 200;
export const RTCP_RR = 201;

/** One report block: what a receiver says about one RTP source. */
export interface ReportBlock {
  readonly ssrc: number;
  /** Fraction of packets lost since the previous report, 0–1. */
  readonly fractionLost: number;
  /** Packets lost since the start of reception (can be negative with duplicates). */
  readonly cumulativeLost: number;
  /** Interarrival jitter in RTP timestamp units. */
  readonly jitter: number;
  /** Middle 32 bits of the NTP time of the last sender report received, 0 if none. */
  readonly lastSr: number;
  /** Delay since that sender report, in 1/65536 s. */
  readonly delaySinceLastSr: number;
}

const BLOCK_SIZE = 24;

/** Calls `each` with every packet of a compound RTCP packet, up to the first one that is not RTCP. */
function eachPacket(
  packet: Uint8Array,
  each: (view: DataView, offset: number, type: number, count: number, end: number) => void,
): void {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  let offset = 0;
  while (offset + 4 <= view.byteLength) {
    const first = view.getUint8(offset);
    if (first >> 6 !== 2) return; // not RTP version 2: not RTCP, stop reading
    const end = offset + (view.getUint16(offset + 2) + 1) * 4;
    if (end > view.byteLength) return;
    each(view, offset, view.getUint8(offset + 1), first & 0x1f, end);
    offset = end;
  }
}

/**
 * Calls `onSenderReport` with the middle 32 bits of the NTP timestamp of every sender report in a compound
 * RTCP packet: the value receivers echo as LSR, whatever clock the sender stamped it with.
 */
export function readSenderReports(packet: Uint8Array, onSenderReport: (lsr: number) => void): void {
  eachPacket(packet, (view, offset, type, _count, end) => {
    if (type !== RTCP_SR || offset + 16 > end) return;
    onSenderReport(((view.getUint16(offset + 10) << 16) | view.getUint16(offset + 12)) >>> 0);
  });
}

/** Calls `onBlock` for every report block of the SR and RR packets in a compound RTCP packet. */
export function readReportBlocks(packet: Uint8Array, onBlock: (block: ReportBlock) => void): void {
  eachPacket(packet, (view, offset, type, count, end) => {
    const blocksAt = type === RTCP_SR ? offset + 28 : type === RTCP_RR ? offset + 8 : end;
    for (let i = 0, at = blocksAt; i < count && at + BLOCK_SIZE <= end; i++, at += BLOCK_SIZE) {
      const lost = view.getUint32(at + 4);
      onBlock({
        ssrc: view.getUint32(at),
        fractionLost: (lost >>> 24) / 256,
        cumulativeLost: (lost << 8) >> 8, // 24-bit signed
        jitter: view.getUint32(at + 12),
        lastSr: view.getUint32(at + 16),
        delaySinceLastSr: view.getUint32(at + 20),
      });
    }
  });
}

const NTP_UNIX_OFFSET_S = 2_208_988_800;

/** The middle 32 bits of the NTP time of `unixMs` (units of 1/65536 s), as used by LSR and DLSR. */
export function ntpMiddle32(unixMs: number): number {
  const seconds = Math.floor(unixMs / 1000) + NTP_UNIX_OFFSET_S;
  const fraction = Math.floor(((unixMs % 1000) / 1000) * 65536);
  return ((seconds & 0xffff) * 65536 + fraction) >>> 0;
}

/** Wall-clock time with sub-millisecond precision, the clock SR timestamps are written in. */
export const nowUnixMs = (): number => performance.timeOrigin + performance.now();

/** Sender reports remembered per session: enough for every track's latest report and some in flight. */
const SENDER_REPORTS = 8;

/**
 * When the sender reports of one session were seen leaving, by the LSR value receivers will echo. RTT is
 * then the report's arrival minus that send time minus DLSR, all on this process's monotonic clock: no
 * assumption about the clock the sender stamped its reports with (RFC 3550 §6.4.1).
 */
export class SenderReportTimes {
  readonly #lsr = new Uint32Array(SENDER_REPORTS);
  readonly #sentAt = new Float64Array(SENDER_REPORTS);
  #next = 0;

  /** A sender report with this LSR value left at `at` (performance.now() milliseconds). */
  readonly sent = (lsr: number, at: number = performance.now()): void => {
    this.#lsr[this.#next] = lsr;
    this.#sentAt[this.#next] = at;
    this.#next = (this.#next + 1) % SENDER_REPORTS;
  };

  /** Round-trip seconds of a report block arriving at `arrivalAt`, or undefined without its sender report. */
  roundTripSeconds(block: ReportBlock, arrivalAt: number = performance.now()): number | undefined {
    if (block.lastSr === 0) return undefined;
    for (let k = 1; k <= SENDER_REPORTS; k++) {
      const i = (this.#next - k + SENDER_REPORTS) % SENDER_REPORTS; // newest first
      if (this.#lsr[i] !== block.lastSr) continue;
      const seconds = (arrivalAt - this.#sentAt[i]!) / 1000 - block.delaySinceLastSr / 65536;
      return seconds >= 0 ? seconds : undefined; // a DLSR longer than the round trip is a wrong report
    }
    return undefined;
  }
}

/**
 * Round-trip time in seconds from a report block received at `arrivalUnixMs` (RFC 3550 §6.4.1:
 * A − LSR − DLSR), or undefined when the receiver has not seen a sender report yet. Valid only when the
 * sender stamped its reports with this wall clock; the instrumentation uses `SenderReportTimes` instead.
 */
export function roundTripSeconds(block: ReportBlock, arrivalUnixMs: number): number | undefined {
  if (block.lastSr === 0) return undefined;
  const units = (ntpMiddle32(arrivalUnixMs) - block.lastSr - block.delaySinceLastSr) >>> 0;
  // A wrapped (negative) difference means clocks disagree; 2^31 units is 9 hours.
  return units < 0x8000_0000 ? units / 65536 : undefined;
}
