import { readFileSync } from 'node:fs';
import type { ThanosStore } from './thanos.ts';

/** Resident memory of a process in MiB (VmRSS), or undefined once it has exited. */
export function rssMib(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the peak RSS of each process (by name) once a second until stopped. */
export function peakRss(pids: () => Record<string, number | undefined>): {
  peaks: Map<string, number>;
  stop(): void;
} {
  const peaks = new Map<string, number>();
  const sample = () => {
    for (const [name, pid] of Object.entries(pids())) {
      const rss = rssMib(pid);
      if (rss !== undefined) peaks.set(name, Math.max(peaks.get(name) ?? 0, rss));
    }
  };
  sample();
  const timer = setInterval(sample, 1000);
  return { peaks, stop: () => clearInterval(timer) };
}

/** One number from an instant query evaluated at `time` (unix seconds); 0 for an empty result. */
export async function scalarAt(store: ThanosStore, promql: string, time: number): Promise<number> {
  const data = await store.get<{ result: { value: [number, string] }[] }>(
    `/api/v1/query?query=${encodeURIComponent(promql)}&time=${time}`,
  );
  return data.result.length === 0 ? 0 : Number(data.result[0]!.value[1]);
}

/** Sum of a metric over every series on a Collector's own Prometheus endpoint (`name` without labels). */
export async function collectorCounter(telemetryPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${telemetryPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}
