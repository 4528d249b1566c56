/**
 * libsrt statistics as plain data: the field names of `SRT_TRACEBSTATS` (`struct CBytePerfMon` in srt.h),
 * as any binding or native layer returns them from `srt_bstats(sock, &perf, clear)`. Every field is
 * optional, so partial sources (srt-live-transmit prints no `*Total` fields) fit the same type.
 */
export interface SrtStats {
  // Accumulated since the socket was created (never cleared).
  readonly msTimeStamp?: number;
  readonly pktSentTotal?: number;
  readonly pktRecvTotal?: number;
  readonly pktSndLossTotal?: number;
  readonly pktRcvLossTotal?: number;
  readonly pktRetransTotal?: number;
  readonly pktSndDropTotal?: number;
  readonly pktRcvDropTotal?: number;
  readonly pktRcvUndecryptTotal?: number;
  readonly byteSentTotal?: number;
  readonly byteRecvTotal?: number;
  // Interval: since the last read with `clear`, or since the socket was created when never cleared.
  readonly pktSent?: number;
  readonly pktRecv?: number;
  readonly pktSndLoss?: number;
  readonly pktRcvLoss?: number;
  readonly pktRetrans?: number;
  readonly pktRcvRetrans?: number;
  readonly pktSndDrop?: number;
  readonly pktRcvDrop?: number;
  readonly pktRcvUndecrypt?: number;
  readonly byteSent?: number;
  readonly byteRecv?: number;
  readonly mbpsSendRate?: number;
  readonly mbpsRecvRate?: number;
  // Instantaneous.
  readonly msRTT?: number;
  readonly mbpsBandwidth?: number;
  readonly pktFlowWindow?: number;
  readonly pktCongestionWindow?: number;
  readonly pktFlightSize?: number;
  readonly byteAvailSndBuf?: number;
  readonly byteAvailRcvBuf?: number;
  readonly byteSndBuf?: number;
  readonly byteRcvBuf?: number;
  readonly msSndBuf?: number;
  readonly msRcvBuf?: number;
  readonly msSndTsbPdDelay?: number;
  readonly msRcvTsbPdDelay?: number;
  /** Any other libsrt field (ACK/NAK counts, filter counters, …) is accepted and ignored. */
  readonly [field: string]: number | undefined;
}

/** Which way media flows on a connection: a publisher's socket receives, a reader's socket sends. */
export type SrtDirection = 'send' | 'receive' | 'both';

/** Names of the libsrt fields that are counted (interval name; the accumulated name adds `Total`). */
export type SrtCountedField =
  | 'pktSent'
  | 'pktRecv'
  | 'pktSndLoss'
  | 'pktRcvLoss'
  | 'pktRetrans'
  | 'pktSndDrop'
  | 'pktRcvDrop'
  | 'pktRcvUndecrypt'
  | 'byteSent'
  | 'byteRecv';
