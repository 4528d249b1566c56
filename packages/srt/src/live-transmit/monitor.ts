import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { StopReason } from '@flux-metrics/core';
import { srtRejectReason, type SrtRejectReason } from '../reject-reason.js';
import type { SrtConnection } from '../srt-connection.js';
import { createSrtMetrics, type SrtMetrics } from '../srt-metrics.js';
import type { SrtDirection, SrtStats } from '../stats.js';
import { CsvReportParser } from './csv-report.js';
import { parseJsonReport } from './json-report.js';
import { parseLogLine, type SrtLiveTransmitLogEvent } from './log-events.js';
import type { SrtLiveTransmitReport } from './report.js';

export interface SrtLiveTransmitAttachOptions {
  /** The statistics output (`-s:<n> -pf:json` or `-pf:csv`; stdout, or a `-statsout` file read as a stream). */
  readonly stats: Readable;
  /** stderr: connection events; with `-v` also handshake time and failed caller attempts. */
  readonly log?: Readable;
  /** The stream_name the connections' series carry. */
  readonly streamName: string;
  /** Which way media flows through the SRT socket: `receive` for an SRT input, `send` for an SRT output. */
  readonly direction: SrtDirection;
  /** True when srt-live-transmit runs with `-f` (running totals); otherwise every report clears its counters. */
  readonly fullstats?: boolean;
  /** Default: createSrtMetrics() on the global MeterProvider. */
  readonly metrics?: SrtMetrics;
  /**
   * The peer idle timeout in force (SRTO_PEERIDLETIMEO, 5000 ms by default). srt-live-transmit prints the
   * same line for a peer that closed and one that vanished; a disconnect after at least 80 % of this
   * time without a sign of the peer in the reports is counted as `timeout`, otherwise as `disconnected`.
   */
  readonly peerIdleTimeoutMs?: number;
}

export interface SrtLiveTransmitEvents {
  connected: [connection: SrtConnection];
  stopped: [reason: StopReason];
  failed: [reason: SrtRejectReason];
  report: [report: SrtLiveTransmitReport];
}

interface Current {
  readonly connection: SrtConnection;
  socketId: number | undefined;
  /** Whether stderr announced it (stdout and stderr are separate pipes: either may be read first). */
  announced: boolean;
}

const RECENTLY_CLOSED = 4;

/** Feeds one srt-live-transmit's statistics and connection events into SrtMetrics. */
export class SrtLiveTransmitMonitor extends EventEmitter<SrtLiveTransmitEvents> {
  readonly metrics: SrtMetrics;
  readonly #options: SrtLiveTransmitAttachOptions;
  readonly #csv = new CsvReportParser();
  readonly #recentlyClosed = new Map<number, SrtConnection>();
  #current: Current | undefined;
  #connectingAt: number | undefined;
  #callerRejection: string | undefined;
  #interrupted = false;
  /** When the reports last showed the peer alive: media received, or the RTT re-measured (ACKs answered). */
  #lastPeerSign = 0;
  #lastReceived = 0;
  #lastRtt: number | undefined;

  constructor(options: SrtLiveTransmitAttachOptions) {
    super();
    this.#options = options;
    this.metrics = options.metrics ?? createSrtMetrics();
    createInterface({ input: options.stats }).on('line', (line) => this.#onStatsLine(line));
    if (options.log) createInterface({ input: options.log }).on('line', (line) => this.#onLogLine(line));
  }

  /** The connection open now, if any. */
  get connection(): SrtConnection | undefined {
    return this.#current?.connection;
  }

  /** Ends the open connection, if any, with `reason` (e.g. `shutdown` when the process is stopped). */
  close(reason: StopReason): void {
    this.#closeCurrent(reason);
  }

  #onStatsLine(line: string): void {
    const report = line.startsWith('{') ? parseJsonReport(line) : this.#csv.parse(line);
    if (!report) return;
    const cleared = !this.#options.fullstats;
    const late = this.#recentlyClosed.get(report.socketId);
    if (late) {
      late.update(report.stats, { cleared });
      return;
    }
    let current = this.#current;
    if (current?.socketId !== undefined && current.socketId !== report.socketId) {
      this.#closeCurrent('disconnected');
      current = undefined;
    }
    current ??= this.#open(false);
    current.socketId ??= report.socketId;
    if (this.#showsPeer(report.stats, cleared)) this.#lastPeerSign = performance.now();
    current.connection.update(report.stats, { cleared });
    this.emit('report', report);
  }

  #onLogLine(line: string): void {
    const event = parseLogLine(line);
    if (event) this.#onLogEvent(event);
  }

  #onLogEvent(event: SrtLiveTransmitLogEvent): void {
    switch (event.kind) {
      case 'connecting':
        this.#connectingAt = performance.now();
        this.#callerRejection = undefined;
        return;
      case 'connected': {
        const current = this.#current;
        if (current && !current.announced) current.announced = true;
        else this.#open(true);
        const started = this.#connectingAt;
        if (started !== undefined) this.metrics.handshake((performance.now() - started) / 1000);
        this.#connectingAt = undefined;
        return;
      }
      case 'disconnected':
        this.#closeCurrent(this.#silentLongEnough() ? 'timeout' : 'disconnected');
        return;
      case 'caller-rejected':
        this.#callerRejection = event.reason;
        return;
      case 'listener-rejected':
        this.#failed(event.reason);
        return;
      case 'interrupted':
        this.#interrupted = true;
        return;
      case 'closing':
        if (this.#connectingAt !== undefined && !this.#current && !this.#interrupted) {
          // A caller attempt that never connected: refused with a reason, or no answer at all.
          this.#failed(this.#callerRejection ?? 'timeout');
          this.#connectingAt = undefined;
        } else {
          this.#closeCurrent(this.#interrupted ? 'shutdown' : 'error');
        }
        return;
    }
  }

  /**
   * A sender keeps reporting after its peer vanished (it still reads its input), so a report is no sign
   * of life. A receiver's packet count growing is; for a sender, a changed msRTT is: libsrt re-measures
   * it on every answered ACK and it freezes when the peer is gone (its flight size does not: too-late
   * packets are dropped from it).
   */
  #showsPeer(stats: SrtStats, cleared: boolean): boolean {
    const received = stats.pktRecv ?? 0;
    const rtt = stats.msRTT;
    const direction = this.#options.direction;
    const grew = direction !== 'send' && (cleared ? received > 0 : received > this.#lastReceived);
    const remeasured = direction !== 'receive' && rtt !== undefined && rtt !== this.#lastRtt;
    this.#lastReceived = received;
    this.#lastRtt = rtt;
    return grew || remeasured;
  }

  #silentLongEnough(): boolean {
    const idleMs = this.#options.peerIdleTimeoutMs ?? 5000;
    return performance.now() - this.#lastPeerSign >= 0.8 * idleMs;
  }

  #open(announced: boolean): Current {
    this.#closeCurrent('disconnected');
    const connection = this.metrics.open({
      streamName: this.#options.streamName,
      direction: this.#options.direction,
    });
    const current: Current = { connection, socketId: undefined, announced };
    this.#current = current;
    this.#lastPeerSign = performance.now();
    this.#lastReceived = 0;
    this.#lastRtt = undefined;
    this.emit('connected', connection);
    return current;
  }

  #closeCurrent(reason: StopReason): void {
    const current = this.#current;
    if (!current) return;
    this.#current = undefined;
    current.connection.close(reason);
    if (current.socketId !== undefined) {
      this.#recentlyClosed.set(current.socketId, current.connection);
      const oldest = this.#recentlyClosed.keys().next().value;
      if (this.#recentlyClosed.size > RECENTLY_CLOSED && oldest !== undefined)
        this.#recentlyClosed.delete(oldest);
    }
    this.emit('stopped', reason);
  }

  #failed(reason: string): void {
    this.metrics.connectionFailed(reason);
    this.emit('failed', srtRejectReason(reason));
  }
}

/** Attaches to a running srt-live-transmit's statistics (and optionally stderr) streams. */
export function attachSrtLiveTransmit(options: SrtLiveTransmitAttachOptions): SrtLiveTransmitMonitor {
  return new SrtLiveTransmitMonitor(options);
}
