import { statfsSync } from 'node:fs';
import type { MeterProvider } from '@opentelemetry/api';
import { fluxInstruments } from '../instruments/factory.js';

/** Usage of the filesystem holding `path`, computed as df does. */
export function diskUsage(path: string): { ratio: number; freeBytes: number } {
  const s = statfsSync(path);
  const used = (s.blocks - s.bfree) * s.bsize;
  const available = s.bavail * s.bsize;
  return { ratio: used + available === 0 ? 0 : used / (used + available), freeBytes: available };
}

/**
 * Publishes `disk_usage_ratio{path}` and `disk_free_bytes{path}` for these paths at collection time. A path
 * that cannot be read (removed, no permission) has no series until it can. Returns a stop function.
 */
export function watchDiskPaths(paths: readonly string[], meterProvider?: MeterProvider): () => void {
  const instruments = fluxInstruments(meterProvider);
  let latest = new Map<string, { ratio: number; freeBytes: number }>();
  // Both gauges are read in the same collection; stat each path once per collection, not once per gauge.
  let statAt = -1;
  const stat = () => {
    const now = Date.now();
    if (now - statAt < 100) return latest;
    statAt = now;
    latest = new Map();
    for (const path of paths) {
      try {
        latest.set(path, diskUsage(path));
      } catch {
        // unreadable now: no sample rather than a wrong one
      }
    }
    return latest;
  };
  const stops = [
    instruments.get('disk_usage_ratio').produce((observe) => {
      for (const [path, u] of stat()) observe(u.ratio, { path });
    }),
    instruments.get('disk_free_bytes').produce((observe) => {
      for (const [path, u] of stat()) observe(u.freeBytes, { path });
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
