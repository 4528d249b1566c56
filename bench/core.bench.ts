import { Registry, Counter, Histogram } from 'prom-client';
import { fluxInstruments, labelLimits } from '@flux-metrics/core';
import { createHarness } from '../test/support/harness.ts';
import type { BenchCase } from './case.ts';

// A reader must be attached: without one the SDK skips attribute hashing and the numbers mean nothing.
const provider = createHarness().provider;

const meter = provider.getMeter('bench');
const otelCounter = meter.createCounter('bench_otel_counter');
const otelHistogram = meter.createHistogram('bench_otel_histogram', {
  advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] },
});
// The same labels as the flux instruments below, so the columns compare like with like.
const attrs = Object.freeze({ method: 'GET', path: '/streams/:name', status: '200' });
const histogramAttrs = Object.freeze({ method: 'GET', path: '/streams/:name' });

const registry = new Registry();
const promCounter = new Counter({
  name: 'bench_prom_counter',
  help: 'h',
  labelNames: ['method', 'path', 'status'],
  registers: [registry],
});
const promHistogram = new Histogram({
  name: 'bench_prom_histogram',
  help: 'h',
  labelNames: ['method', 'path'],
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  registers: [registry],
});
const promChild = promCounter.labels('GET', '/streams/:name', '200');

const flux = fluxInstruments(provider);
const fluxRequests = flux.get('http_requests_total');
const fluxDuration = flux.get('http_request_duration_seconds');
const boundRequests = fluxRequests.bind({ method: 'GET', path: '/streams/:name', status: 200 });
const boundDuration = fluxDuration.bind({ method: 'GET', path: '/streams/:name' });
const cell = flux.get('packets_sent_total').cell({ protocol: 'rtsp', stream_name: 'cam1' });
const bytes = flux.get('bytes_sent_total').cell({ protocol: 'rtsp', stream_name: 'cam1' });
const received = flux.get('bytes_received_total');
const plain = { packets: 0 };
// Durations cycled from a table: the value's arithmetic (a double modulo is a libm call) stays out of the figure.
const durations = Float64Array.from({ length: 1024 }, (_, i) => (i * 0.0007) % 2);
let v = 0;
const nextDuration = () => durations[v++ & 1023]!;
let bomb = 0;

/** A new stream name past the name bound (bound set to 0 for the call only: other cases keep theirs). */
function overflowingName(): void {
  const limit = labelLimits.streamNames.limit;
  labelLimits.streamNames.limit = 0;
  const c = received.cell({ protocol: 'srt', stream_name: `bomb-${bomb++}` });
  c.value += 188;
  received.release(c);
  labelLimits.streamNames.limit = limit;
}

export const cases: BenchCase[] = [
  { group: 'counter add', name: 'plain field increment', op: () => void plain.packets++ },
  {
    group: 'counter add',
    name: 'flux Cell (packets + bytes)',
    op: () => void ((cell.value += 1), (bytes.value += 1316)),
  },
  { group: 'counter add', name: 'flux bound counter', op: () => boundRequests.record(1) },
  {
    group: 'counter add',
    name: 'flux guarded counter (labels/call)',
    op: () => fluxRequests.record(1, { method: 'GET', path: '/streams/:name', status: 200 }),
  },
  {
    group: 'counter add',
    name: 'flux guarded counter, unknown method',
    op: () => fluxRequests.record(1, { method: 'BREW', path: '/streams/:name', status: 200 }),
  },
  { group: 'counter add', name: 'OTel counter.add, same 3 attrs', op: () => otelCounter.add(1, attrs) },
  {
    group: 'counter add',
    name: 'prom-client inc(labels)',
    op: () => promCounter.inc({ method: 'GET', path: '/streams/:name', status: '200' }),
  },
  { group: 'counter add', name: 'prom-client child.inc()', op: () => promChild.inc() },
  {
    group: 'histogram record',
    name: 'flux bound histogram',
    op: () => boundDuration.record(nextDuration()),
  },
  {
    group: 'histogram record',
    name: 'OTel histogram.record, same 2 attrs',
    op: () => otelHistogram.record(nextDuration(), histogramAttrs),
  },
  {
    group: 'histogram record',
    name: 'prom-client observe(labels)',
    op: () => promHistogram.observe({ method: 'GET', path: '/streams/:name' }, nextDuration()),
  },
  { group: 'label overflow', name: 'flux cell() of a name past the bound', op: overflowingName },
];
