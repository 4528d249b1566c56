import { statfsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import type { MeterProvider } from '@opentelemetry/api';
import { fluxInstruments } from '../instruments/factory.js';
import type { FluxRegistry } from '../instruments/registry.js';

/** Usage of a filesystem. */
export interface DiskUsage {
  ratio: number;
  freeBytes: number;
}

function usageOf(s: { blocks: number; bfree: number; bavail: number; bsize: number }): DiskUsage {
  const used = (s.blocks - s.bfree) * s.bsize;
  const available = s.bavail * s.bsize;
  return { ratio: used + available === 0 ? 0 : used / (used + available), freeBytes: available };
}

/** Usage of the filesystem holding `path`, computed as df does. Blocks while the filesystem does not answer. */
export function diskUsage(path: string): DiskUsage {
  return usageOf(statfsSync(path));
}

export interface DiskWatchOptions {
  /** How long a statfs may go unanswered before its path counts as stalled (default 5000 ms). */
  statTimeoutMs?: number;
}

/**
 * Each call that hangs holds one thread of libuv's pool (4 by default, shared with fs, dns and crypto) until
 * the kernel answers; this many at most are ever waiting, so a hung mount cannot starve the app.
 */
const MAX_IN_FLIGHT = 2;
let inFlight = 0;
/** Samples waiting for a slot, first come first served: no watcher's paths can starve another's. */
const waiting: (() => Promise<void>)[] = [];

function whenSlotFree(run: () => Promise<void>): void {
  if (inFlight >= MAX_IN_FLIGHT) {
    waiting.push(run);
    return;
  }
  inFlight++;
  void run().finally(() => {
    inFlight--;
    const next = waiting.shift();
    if (next) whenSlotFree(next);
  });
}

/** The sampling state of one watched path. */
interface PathState {
  readonly path: string;
  /** The latest answer (undefined while unreadable or never answered). */
  usage: DiskUsage | undefined;
  /** Since when a fresh answer has been wanted and not come: a statfs in flight, or waiting for a slot. */
  wantedSince: number | undefined;
  sampling: boolean;
}

/**
 * Publishes `disk_usage_ratio{path}` and `disk_free_bytes{path}` for these paths, and `disk_path_stalled{path}`
 * (1 while a path's filesystem has not answered within `statTimeoutMs`). Each collection starts an
 * asynchronous statfs per path and reports the latest answer: a collection never waits for a filesystem,
 * so a hung mount (NFS, a dying disk) cannot freeze the process. A stalled or unreadable path has no
 * usage series until it answers again. Returns a stop function.
 */
export function watchDiskPaths(
  paths: readonly string[],
  meterProvider?: MeterProvider | FluxRegistry,
  options: DiskWatchOptions = {},
): () => void {
  const instruments = fluxInstruments(meterProvider);
  const timeoutMs = options.statTimeoutMs ?? 5000;
  const states: PathState[] = paths.map((path) => ({
    path,
    usage: undefined,
    wantedSince: undefined,
    sampling: false,
  }));
  const sample = (state: PathState, now: number) => {
    state.wantedSince ??= now;
    if (state.sampling) return; // one statfs per path at a time, queued or in flight
    state.sampling = true;
    whenSlotFree(() =>
      statfs(state.path)
        .then(
          (s) => {
            state.usage = usageOf(s);
          },
          () => {
            state.usage = undefined; // unreadable now (removed, no permission): no sample rather than a wrong one
          },
        )
        .finally(() => {
          state.sampling = false;
          state.wantedSince = undefined;
        }),
    );
  };
  const refresh = () => {
    const now = Date.now();
    for (const state of states) sample(state, now);
  };
  const stalled = (state: PathState, now: number) =>
    state.wantedSince !== undefined && now - state.wantedSince > timeoutMs;
  // Every gauge of one collection asks for a refresh; samples already in flight are not started again.
  const answered = function* () {
    refresh();
    const now = Date.now();
    for (const state of states)
      if (state.usage && !stalled(state, now)) yield [state.path, state.usage] as const;
  };

  refresh(); // the first collection has answers already
  const stops = [
    instruments.get('disk_usage_ratio').produce((observe) => {
      for (const [path, u] of answered()) observe(u.ratio, { path });
    }),
    instruments.get('disk_free_bytes').produce((observe) => {
      for (const [path, u] of answered()) observe(u.freeBytes, { path });
    }),
    instruments.get('disk_path_stalled').produce((observe) => {
      refresh();
      const now = Date.now();
      for (const state of states) observe(stalled(state, now) ? 1 : 0, { path: state.path });
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
