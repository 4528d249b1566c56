import type { ErrorType, StopReason } from '@flux-metrics/core';
import { errorTypeOfStatus } from './error-type.js';
import type { RtspInstruments } from './instruments.js';
import type { ProcessingSampler } from './processing-sampler.js';
import { RtspSessionObserver, type RtspMode } from './session.js';

/** One request in flight: `respond` records its method, status and duration once. */
export class RtspRequestTimer {
  readonly #connection: RtspConnectionObserver;
  readonly #startedAt = performance.now();
  #answered = false;

  /** @internal created by `RtspConnectionObserver.request()` */
  constructor(
    connection: RtspConnectionObserver,
    readonly method: string,
  ) {
    this.#connection = connection;
  }

  respond(status: number): void {
    if (this.#answered) return;
    this.#answered = true;
    this.#connection.requestCompleted(this.method, status, (performance.now() - this.#startedAt) / 1000);
  }
}

export interface RtspSessionOptions {
  /** The stream (path) the session plays or records, e.g. `cam1`. Sanitized and bounded by the catalog. */
  readonly streamName: string;
  /** Known at SETUP from `mode=record`; PLAY or RECORD settles it. Default `play`. */
  readonly mode?: RtspMode;
}

/**
 * Hooks of one client connection: requests and their responses, the sessions set up on it, and its close.
 * Created by `RtspMetrics.connectionOpened()`, which counts the connection as open.
 */
export class RtspConnectionObserver {
  readonly #instruments: RtspInstruments;
  readonly #sampler: ProcessingSampler;
  readonly #openedAt = performance.now();
  /** Sessions not ended yet: an ended one leaves, so a long-lived connection holds only its live ones. */
  readonly #sessions = new Set<RtspSessionObserver>();
  readonly #ended = (session: RtspSessionObserver) => this.#sessions.delete(session);
  #setUp = false;
  #closed = false;

  /** @internal */
  constructor(instruments: RtspInstruments, sampler: ProcessingSampler) {
    this.#instruments = instruments;
    this.#sampler = sampler;
    instruments.activeConnections.record(1);
    instruments.connectionsOpened.record(1);
  }

  /** A request was received: the timer runs until `respond(status)`. */
  request(method: string): RtspRequestTimer {
    return new RtspRequestTimer(this, method);
  }

  /** A request was answered (for servers that time requests themselves). */
  requestCompleted(method: string, status: number, durationSeconds: number): void {
    const i = this.#instruments;
    i.requests.record(1, { method, status });
    i.requestDuration.record(durationSeconds, { method });
    const type = errorTypeOfStatus(status);
    if (type !== undefined) this.error(type);
  }

  /** A SETUP succeeded and created a session; the first one ends the connection-setup time. */
  session(options: RtspSessionOptions): RtspSessionObserver {
    if (!this.#setUp) {
      this.#setUp = true;
      this.#instruments.connectionSetup.record((performance.now() - this.#openedAt) / 1000);
    }
    const session = new RtspSessionObserver(
      this.#instruments,
      this.#sampler,
      options.streamName,
      options.mode ?? 'play',
      this.#ended,
    );
    this.#sessions.add(session);
    return session;
  }

  /** Counts an error of this connection in errors_total{component="rtsp"}. */
  error(type: ErrorType): void {
    this.#instruments.errors.record(1, { type, component: 'rtsp' });
  }

  /** The connection closed: sessions still open end with `reason`, and the connection is counted closed. */
  close(reason: StopReason = 'disconnected'): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const session of this.#sessions) session.end(reason); // each leaves the set as it ends
    this.#instruments.activeConnections.record(-1);
    this.#instruments.connectionsClosed.record(1);
  }
}
