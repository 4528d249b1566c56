import type { MeterProvider } from '@opentelemetry/api';
import {
  fluxInstruments,
  type BoundInstrument,
  type Cell,
  type ErrorType,
  type FluxRegistry,
  type StopReason,
} from '@flux-metrics/core';
import { appliesTo, COUNTERS } from './mapping.js';
import { errorTypeOfReject, srtRejectReason } from './reject-reason.js';
import { SrtConnection, type ConnectionHost } from './srt-connection.js';
import type { SrtDirection, SrtStats } from './stats.js';
import { StreamGroup } from './stream-group.js';

export interface SrtMetricsOptions {
  /** The registry to record into (default: the default registry; `meterProvider` selects one by provider). */
  readonly registry?: FluxRegistry;
  readonly meterProvider?: MeterProvider;
  /**
   * Connections that get series of their own (stream_name `<stream>/<id>`) at the same time; the rest,
   * and all connections without an id, are aggregated by stream. Default 0: aggregate only.
   */
  readonly perConnectionLimit?: number;
}

export interface SrtOpenOptions {
  /** The stream (path, stream id) the connection publishes or plays. */
  readonly streamName: string;
  /** Connection identity (socket id) for opt-in per-connection series. */
  readonly id?: string | number;
  /** Which way media flows on this socket (default `both`): decides which side's statistics count. */
  readonly direction?: SrtDirection;
  /** Time the handshake took, when the caller measured it. */
  readonly handshakeSeconds?: number;
}

const PROTOCOL = { protocol: 'srt' } as const;

/** SRT metrics of one MeterProvider: open a connection per SRT socket and feed it statistics. */
export class SrtMetrics {
  readonly #instruments: FluxRegistry;
  readonly #perConnectionLimit: number;
  readonly #groups = new Map<string, StreamGroup>();
  readonly #connectionGroups = new Map<SrtConnection, StreamGroup>();
  readonly #perConnection = new Set<SrtConnection>();
  /** stream_started_total cells, held while their connection lives so the series stays exported. */
  readonly #started = new Map<SrtConnection, Cell>();
  /** What connections call back into, kept off the public surface. */
  readonly #host: ConnectionHost = {
    counterCell: (index, streamLabel) => this.#counterCell(index, streamLabel),
    releaseCounter: (index, cell) => this.#releaseCounter(index, cell),
    report: (connection, stats) => this.#report(connection, stats),
    sample: (stats, direction) => this.#sample(stats, direction),
    mediaStarted: (seconds) => this.#mediaStarted(seconds),
    closed: (connection, reason, errorType) => this.#closed(connection, reason, errorType),
  };
  readonly #sync: {
    active: BoundInstrument;
    opened: BoundInstrument;
    closed: BoundInstrument;
    activeStreams: BoundInstrument;
    startDuration: BoundInstrument;
    rtt: BoundInstrument;
    bandwidth: BoundInstrument;
    latency: BoundInstrument;
  };

  constructor(options: SrtMetricsOptions = {}) {
    const i = fluxInstruments(options.registry ?? options.meterProvider);
    this.#instruments = i;
    this.#perConnectionLimit = Math.max(0, options.perConnectionLimit ?? 0);
    this.#sync = {
      active: i.get('active_connections').bind(PROTOCOL),
      opened: i.get('connections_opened_total').bind(PROTOCOL),
      closed: i.get('connections_closed_total').bind(PROTOCOL),
      activeStreams: i.get('active_streams').bind(PROTOCOL),
      startDuration: i.get('stream_start_duration_seconds').bind(PROTOCOL),
      rtt: i.get('rtt_seconds').bind(PROTOCOL),
      bandwidth: i.get('bandwidth_mbps').bind(PROTOCOL),
      latency: i.get('packet_latency_seconds').bind(PROTOCOL),
    };
  }

  /** Counts an established connection (and the stream it carries) and returns its statistics sink. */
  open(options: SrtOpenOptions): SrtConnection {
    const own = options.id !== undefined && this.#perConnection.size < this.#perConnectionLimit;
    const label = own ? `${options.streamName}/${options.id}` : options.streamName;
    const connection = new SrtConnection(this.#host, label, options.direction ?? 'both');
    if (own) this.#perConnection.add(connection);
    let group = this.#groups.get(label);
    if (!group) {
      group = new StreamGroup(this.#instruments, label);
      this.#groups.set(label, group);
    }
    group.connections.add(connection);
    this.#connectionGroups.set(connection, group);

    const s = this.#sync;
    s.active.record(1);
    s.opened.record(1);
    s.activeStreams.record(1);
    const started = this.#instruments.get('stream_started_total').cell({ ...PROTOCOL, stream_name: label });
    started.value += 1;
    this.#started.set(connection, started);
    if (options.handshakeSeconds !== undefined) this.handshake(options.handshakeSeconds);
    return connection;
  }

  /** Records a handshake time measured outside open(). */
  handshake(seconds: number): void {
    this.#instruments.get('srt_handshake_duration_seconds').record(seconds, {});
  }

  /**
   * Counts a connection attempt that failed: `reason` is an SRT_REJ_* name, a reject code or a libsrt
   * reason text; also counted in errors_total{component="srt"}.
   */
  connectionFailed(reason: string | number): void {
    const label = srtRejectReason(reason);
    this.#instruments.get('srt_connections_failed_total').record(1, { reason: label });
    this.error(errorTypeOfReject(label));
  }

  /** Counts an SRT error in errors_total{component="srt"}. */
  error(type: ErrorType): void {
    this.#instruments.get('errors_total').record(1, { type, component: 'srt' });
  }

  #counterCell(index: number, streamLabel: string): Cell {
    const mapping = COUNTERS[index]!;
    const labels = { ...PROTOCOL, stream_name: streamLabel, ...mapping.labels };
    return this.#instruments.get(mapping.metric).cell(labels);
  }

  #releaseCounter(index: number, cell: Cell): void {
    this.#instruments.get(COUNTERS[index]!.metric).release(cell);
  }

  #report(connection: SrtConnection, stats: SrtStats): void {
    this.#connectionGroups.get(connection)?.report(connection, stats);
  }

  /** Distributions of the link samples, one per report. */
  #sample(stats: SrtStats, direction: SrtDirection): void {
    const { msRTT, mbpsBandwidth, msRcvTsbPdDelay } = stats;
    if (isSample(msRTT)) this.#sync.rtt.record(msRTT / 1000);
    if (isSample(mbpsBandwidth)) this.#sync.bandwidth.record(mbpsBandwidth);
    // End-to-end estimate on the receiving side: the TSBPD delay holds each packet, plus the one-way trip.
    if (appliesTo('receive', direction) && isSample(msRcvTsbPdDelay) && isSample(msRTT)) {
      this.#sync.latency.record((msRcvTsbPdDelay + msRTT / 2) / 1000);
    }
  }

  #mediaStarted(seconds: number): void {
    this.#sync.startDuration.record(seconds);
  }

  #closed(connection: SrtConnection, reason: StopReason, errorType: ErrorType | undefined): void {
    const s = this.#sync;
    s.active.record(-1);
    s.closed.record(1);
    s.activeStreams.record(-1);
    const label = connection.streamLabel;
    this.#instruments.get('stream_stopped_total').add({ ...PROTOCOL, stream_name: label, reason }, 1);
    const started = this.#started.get(connection);
    if (started) this.#instruments.get('stream_started_total').release(started);
    this.#started.delete(connection);
    if (reason === 'timeout') this.error('timeout');
    else if (reason === 'error') this.error(errorType ?? 'network');
    this.#perConnection.delete(connection);
    const group = this.#connectionGroups.get(connection);
    this.#connectionGroups.delete(connection);
    if (group?.remove(connection)) this.#groups.delete(label);
    connection.releaseCounters();
  }
}

function isSample(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** The SRT metrics of a registry (default: the default registry). */
export function createSrtMetrics(options: SrtMetricsOptions = {}): SrtMetrics {
  return new SrtMetrics(options);
}
