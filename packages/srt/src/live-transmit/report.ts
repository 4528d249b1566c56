import type { SrtStats } from '../stats.js';

/** One statistics report of srt-live-transmit, with its fields under their libsrt names. */
export interface SrtLiveTransmitReport {
  /** The SRT socket id (`sid` / `SocketID`): a new one for every connection. */
  readonly socketId: number;
  readonly stats: SrtStats;
}
