import { spawn, type ChildProcess } from 'node:child_process';
import type { SrtMetrics } from '../srt-metrics.js';
import type { SrtDirection } from '../stats.js';
import { attachSrtLiveTransmit, type SrtLiveTransmitMonitor } from './monitor.js';

export interface SrtLiveTransmitStartOptions {
  /** Input URI, e.g. `srt://127.0.0.1:8890?mode=listener` or `udp://127.0.0.1:5000`. */
  readonly input: string;
  /** Output URI, e.g. `udp://127.0.0.1:5002` or `srt://127.0.0.1:8890?mode=caller`. Not `file://con`. */
  readonly output: string;
  readonly streamName: string;
  /** Default: `receive` when the input is srt://, else `send`. */
  readonly direction?: SrtDirection;
  /** `-s`: a report every this many packets (srt-live-transmit counts packets, not time). Default 100. */
  readonly statsEveryPackets?: number;
  /** `-pf`. Default json. */
  readonly format?: 'json' | 'csv';
  /** `-f`: running totals instead of per-report counters. Default false. */
  readonly fullstats?: boolean;
  /** Any other srt-live-transmit options, e.g. `['-a:no']`. */
  readonly extraArgs?: readonly string[];
  /** The executable. Default `srt-live-transmit` on PATH (Debian package srt-tools). */
  readonly binary?: string;
  readonly metrics?: SrtMetrics;
  readonly peerIdleTimeoutMs?: number;
}

/** A running srt-live-transmit whose statistics feed the metrics. */
export interface SrtLiveTransmitProcess {
  readonly child: ChildProcess;
  readonly monitor: SrtLiveTransmitMonitor;
  /** Resolves when the process has exited and its open connection is counted as stopped. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`); its connection stops as `shutdown`. */
  stop(graceMs?: number): Promise<void>;
}

/** Thrown (as a rejection) when the srt-live-transmit executable cannot be started. */
export class SrtLiveTransmitNotFoundError extends Error {
  constructor(binary: string, cause: unknown) {
    super(
      `flux-metrics/srt: cannot run '${binary}' (${(cause as Error).message}). ` +
        'Install srt-live-transmit (Debian/Ubuntu: apt-get install srt-tools) or pass its path as `binary`.',
      { cause },
    );
    this.name = 'SrtLiveTransmitNotFoundError';
  }
}

/** The srt-live-transmit arguments for the options (verbose: connection attempts and handshake time). */
export function srtLiveTransmitArgs(options: SrtLiveTransmitStartOptions): string[] {
  return [
    '-v',
    `-s:${options.statsEveryPackets ?? 100}`,
    `-pf:${options.format ?? 'json'}`,
    ...(options.fullstats ? ['-f'] : []),
    ...(options.extraArgs ?? []),
    options.input,
    options.output,
  ];
}

/**
 * Starts srt-live-transmit with statistics on stdout and connection events on stderr, feeding both into
 * SrtMetrics. Rejects with SrtLiveTransmitNotFoundError when the executable is missing.
 */
export function startSrtLiveTransmit(options: SrtLiveTransmitStartOptions): Promise<SrtLiveTransmitProcess> {
  if (options.output.startsWith('file://con')) {
    return Promise.reject(
      new TypeError(
        'startSrtLiveTransmit needs stdout for statistics: use attachSrtLiveTransmit with -statsout',
      ),
    );
  }
  const binary = options.binary ?? 'srt-live-transmit';
  const child = spawn(binary, srtLiveTransmitArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
  const monitor = attachSrtLiveTransmit({
    stats: child.stdout!,
    log: child.stderr!,
    streamName: options.streamName,
    direction: options.direction ?? (options.input.startsWith('srt:') ? 'receive' : 'send'),
    fullstats: options.fullstats ?? false,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.peerIdleTimeoutMs !== undefined ? { peerIdleTimeoutMs: options.peerIdleTimeoutMs } : {}),
  });
  let stopping = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close' waits for stdout and stderr to end, so every report is counted before the final stop.
    child.once('close', (code, signal) => {
      monitor.close(stopping ? 'shutdown' : 'error');
      resolve({ code, signal });
    });
  });
  const stop = async (graceMs = 2000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return void (await exited);
    stopping = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    // `on`, not `once`: a later error (e.g. a failed kill) must not become an uncaught exception.
    child.on('error', (error) => reject(new SrtLiveTransmitNotFoundError(binary, error)));
    child.once('spawn', () => resolve({ child, monitor, exited, stop }));
  });
}
