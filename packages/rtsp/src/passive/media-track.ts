import type { RtspSessionObserver } from '../session.js';

/** One SETUP of a session: where its packets are counted and the clock rate its jitter is measured in. */
export interface MediaTrack {
  readonly session: RtspSessionObserver;
  readonly clockRate: number;
}

/** A track's RTP or RTCP flow, found by interleaved channel or UDP port. */
export interface MediaFlow {
  readonly track: MediaTrack;
  readonly rtcp: boolean;
}
