import os from 'node:os';
import type { MeterProvider } from '@opentelemetry/api';
import { fluxInstruments } from '../instruments/factory.js';
import type { FluxRegistry } from '../instruments/registry.js';
import { PerReader } from '../instruments/observed-reader.js';
import { watchDiskPaths } from './disk-usage.js';
import { readDiskBytes, readNetworkBytes } from './proc-counters.js';

export interface SystemMetricsOptions {
  /** Paths whose filesystems get `disk_usage_ratio` and `disk_free_bytes` (default: the working directory). */
  diskPaths?: readonly string[];
  /** How long a disk path's statfs may go unanswered before it counts as stalled (default 5000 ms). */
  diskStatTimeoutMs?: number;
  meterProvider?: MeterProvider;
  /** The registry to record into (default: the default registry; `meterProvider` selects one by provider). */
  registry?: FluxRegistry;
}

/** CPU time of all cores, to turn two readings into a busy share. */
function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    const sum = t.user + t.nice + t.sys + t.idle + t.irq;
    total += sum;
    busy += sum - t.idle;
  }
  return { busy, total };
}

/** CPU time this process used (all threads), with the time it was read. */
function processTimes(): { cpuUs: number; at: number } {
  const usage = process.cpuUsage();
  return { cpuUs: usage.user + usage.system, at: performance.now() };
}

function memoryLimit(): number {
  const constrained = process.constrainedMemory();
  const total = os.totalmem();
  return constrained > 0 && constrained < total ? constrained : total;
}

/**
 * Publishes the design's system metrics at collection time: cpu_usage_ratio, process_cpu_usage_ratio,
 * memory_usage_bytes{type}, memory_total_bytes, disk_usage_ratio/disk_free_bytes for configured paths,
 * disk_io_bytes_total and network_io_bytes_total. CPU ratios cover the time since the collecting reader's
 * previous collection (since the start at its first). Returns a stop function.
 */
export function startSystemMetrics(options: SystemMetricsOptions = {}): () => void {
  const instruments = fluxInstruments(options.registry ?? options.meterProvider);
  const lastCpu = new PerReader(cpuTimes());
  const lastProcess = new PerReader(processTimes());

  const stops = [
    instruments.get('cpu_usage_ratio').produce((observe, reader) => {
      const now = cpuTimes();
      const last = lastCpu.swap(reader, now);
      const total = now.total - last.total;
      if (total > 0) observe((now.busy - last.busy) / total, {});
    }),
    instruments.get('process_cpu_usage_ratio').produce((observe, reader) => {
      const now = processTimes();
      const last = lastProcess.swap(reader, now);
      const elapsedUs = (now.at - last.at) * 1000 * os.availableParallelism();
      if (elapsedUs > 0) observe(Math.min(1, (now.cpuUs - last.cpuUs) / elapsedUs), {});
    }),
    instruments.get('memory_usage_bytes').produce((observe) => {
      const m = process.memoryUsage();
      observe(os.totalmem() - os.freemem(), { type: 'used' });
      observe(m.rss, { type: 'rss' });
      observe(m.heapUsed, { type: 'heap_used' });
      observe(m.heapTotal, { type: 'heap_total' });
      observe(m.external, { type: 'external' });
    }),
    instruments.get('memory_total_bytes').produce((observe) => observe(memoryLimit(), {})),
    instruments.get('disk_io_bytes_total').produce((observe) => {
      for (const d of readDiskBytes()) observe(d.bytes, { device: d.device, direction: d.direction });
    }),
    instruments.get('network_io_bytes_total').produce((observe) => {
      for (const d of readNetworkBytes()) observe(d.bytes, { device: d.device, direction: d.direction });
    }),
    watchDiskPaths(options.diskPaths ?? [process.cwd()], options.registry ?? options.meterProvider, {
      statTimeoutMs: options.diskStatTimeoutMs,
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
