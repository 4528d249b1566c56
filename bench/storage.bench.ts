import { Writable } from 'node:stream';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { Counter, Registry } from 'prom-client';
import { catalogViews, observedSeriesProducer } from '@flux-metrics/node';
import { instrumentWritable, storageMetrics } from '@flux-metrics/storage';
import type { BenchCase } from './case.ts';

// A reader must be attached: without one the SDK skips attribute hashing and the numbers mean nothing.
const ref: { provider?: MeterProvider } = {};
const exporter = new PrometheusExporter({
  preventServerStart: true,
  metricProducers: [observedSeriesProducer(() => ref.provider)],
});
const provider = new MeterProvider({ readers: [exporter], views: catalogViews() });
ref.provider = provider;

const CHUNK = 188 * 7; // one MPEG-TS UDP payload

const sampled = storageMetrics({ volume: 'bench', meterProvider: provider });
const everyWrite = storageMetrics({ volume: 'bench-timed', meterProvider: provider, latencySampleEvery: 1 });

const otelCounter = provider.getMeter('bench').createCounter('bench_storage_otel_counter');
const otelAttrs = Object.freeze({ volume: 'bench' });
const registry = new Registry();
const promChild = new Counter({
  name: 'bench_storage_prom_counter',
  help: 'h',
  labelNames: ['volume'],
  registers: [registry],
}).labels('bench');

// A sink that completes synchronously, so a write measures stream machinery plus metrics, not a disk.
const sink = () =>
  new Writable({ highWaterMark: 1 << 30, write: (_chunk, _encoding, callback) => callback() });
const plainStream = sink();
const meteredStream = instrumentWritable(sink(), sampled);
const chunk = Buffer.alloc(CHUNK);

export const cases: BenchCase[] = [
  {
    group: 'per write (hot path)',
    name: 'storage startWrite+wrote, latency 1 in 16 (default)',
    op: () => sampled.wrote(CHUNK, sampled.startWrite()),
  },
  {
    group: 'per write (hot path)',
    name: 'storage startWrite+wrote, latency every write',
    op: () => everyWrite.wrote(CHUNK, everyWrite.startWrite()),
  },
  {
    group: 'per write (hot path)',
    name: 'OTel counter.add with a reader',
    op: () => otelCounter.add(CHUNK, otelAttrs),
  },
  {
    group: 'per write (hot path)',
    name: 'prom-client counter.inc (labelled child)',
    op: () => promChild.inc(CHUNK),
  },
  {
    group: 'stream write (sync sink)',
    name: 'plain Writable.write',
    op: () => plainStream.write(chunk),
  },
  {
    group: 'stream write (sync sink)',
    name: 'instrumentWritable(...).write',
    op: () => meteredStream.write(chunk),
  },
];
