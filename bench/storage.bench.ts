import { Writable } from 'node:stream';
import { Counter, Registry } from 'prom-client';
import { instrumentWritable, storageMetrics } from '@flux-metrics/storage';
import { createHarness } from '../test/support/harness.ts';
import type { BenchCase } from './case.ts';

// A real provider with a reader attached: without one the SDK skips attribute hashing.
const { provider } = createHarness();

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
    name: 'storage writes.start+done, latency 1 in 16 (default)',
    op: () => sampled.writes.done(CHUNK, sampled.writes.start()),
  },
  {
    group: 'per write (hot path)',
    name: 'storage writes.start+done, latency every write',
    op: () => everyWrite.writes.done(CHUNK, everyWrite.writes.start()),
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
