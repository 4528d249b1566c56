import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { setTimeout as idle } from 'node:timers/promises';
import { fluxInstruments, seriesRetention, startSystemMetrics } from '@flux-metrics/core';
import { catalogViews, observedSeriesProducer } from '@flux-metrics/node';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricReader,
} from '@opentelemetry/sdk-metrics';

/** A provider with both readers of a real deployment: the Prometheus endpoint and an OTLP push reader. */
function twoReaders() {
  const ref: { provider?: MeterProvider } = {};
  const prometheus = new PrometheusExporter({
    preventServerStart: true,
    metricProducers: [observedSeriesProducer(() => ref.provider)],
  });
  const otlp = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000, // collected by hand below
    metricProducers: [observedSeriesProducer(() => ref.provider)],
  });
  const provider = new MeterProvider({ readers: [prometheus, otlp], views: catalogViews() });
  ref.provider = provider;
  return { provider, prometheus, otlp, shutdown: () => provider.shutdown() };
}

/** The values of one metric a reader collects now, by a label's value (or '' without labels). */
async function read(reader: MetricReader, metric: string, label = ''): Promise<Map<string, number>> {
  const { resourceMetrics } = await reader.collect();
  const values = new Map<string, number>();
  for (const m of resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)) {
    if (m.descriptor.name !== metric) continue;
    for (const p of m.dataPoints) values.set(String(p.attributes[label] ?? ''), p.value as number);
  }
  return values;
}

test('with two readers, each reads the final value of a released counter before it is dropped', async () => {
  const r = twoReaders();
  const saved = seriesRetention.counterMs;
  try {
    const family = fluxInstruments(r.provider).get('packets_sent_total');
    const cell = family.cell({ protocol: 'rtsp', stream_name: 'leaving' });
    cell.value = 5;
    assert.equal((await read(r.prometheus, 'packets_sent_total', 'stream_name')).get('leaving'), 5);
    assert.equal((await read(r.otlp, 'packets_sent_total', 'stream_name')).get('leaving'), 5);
    cell.value += 2; // the last packets, then the stream goes; its retention is over at once
    family.release(cell);
    seriesRetention.counterMs = 0;
    assert.equal((await read(r.prometheus, 'packets_sent_total', 'stream_name')).get('leaving'), 7);
    assert.equal(
      (await read(r.otlp, 'packets_sent_total', 'stream_name')).get('leaving'),
      7,
      'the other reader lost the last increase',
    );
    assert.equal((await read(r.prometheus, 'packets_sent_total', 'stream_name')).has('leaving'), false);
    assert.equal((await read(r.otlp, 'packets_sent_total', 'stream_name')).has('leaving'), false);
    assert.equal(family.size, 0, 'dropped once both have read it');
  } finally {
    seriesRetention.counterMs = saved;
    await r.shutdown();
  }
});

test('with two readers, an invalid value is counted once, not once per reader or per collection', async () => {
  const r = twoReaders();
  try {
    const family = fluxInstruments(r.provider).get('srt_rtt_seconds');
    const cell = family.cell({ stream_name: 'bad-stats' });
    const invalid = async (reader: MetricReader) =>
      (await read(reader, 'flux_metrics_invalid_measurements_total', 'metric')).get('srt_rtt_seconds');
    cell.value = NaN;
    for (let i = 0; i < 3; i++) {
      await read(r.prometheus, 'srt_rtt_seconds');
      await read(r.otlp, 'srt_rtt_seconds');
    }
    assert.equal(await invalid(r.prometheus), 1);
    assert.equal(await invalid(r.otlp), 1);
    cell.value = 0.02; // valid again, then invalid again: a second bad value
    await read(r.otlp, 'srt_rtt_seconds');
    cell.value = Infinity;
    await read(r.prometheus, 'srt_rtt_seconds');
    await read(r.otlp, 'srt_rtt_seconds');
    const { resourceMetrics } = await r.prometheus.collect();
    const points = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .filter((m) => m.descriptor.name === 'flux_metrics_invalid_measurements_total')
      .flatMap((m) => m.dataPoints)
      .filter((p) => p.attributes.metric === 'srt_rtt_seconds')
      .map((p) => [p.attributes.reason, p.value]);
    assert.deepEqual(Object.fromEntries(points), { nan: 1, infinite: 1 });
    family.release(cell);
  } finally {
    await r.shutdown();
  }
});

test('with two readers, each CPU ratio covers the time since that reader collected, not the other one', async () => {
  const r = twoReaders();
  const stop = startSystemMetrics({ meterProvider: r.provider, diskPaths: [] });
  const cores = os.availableParallelism();
  try {
    const mark = () => ({ cpu: process.cpuUsage(), at: performance.now() });
    const before1 = mark();
    await read(r.prometheus, 'process_cpu_usage_ratio');
    const after1 = mark();
    const busyUntil = performance.now() + 300;
    while (performance.now() < busyUntil); // busy, then the OTLP reader collects
    await read(r.otlp, 'process_cpu_usage_ratio');
    await idle(300); // idle: the OTLP reader's collection is followed by a quiet period
    const before2 = mark();
    const ratio = (await read(r.prometheus, 'process_cpu_usage_ratio')).get('');
    const after2 = mark();

    // The ratio was computed between a point within each bracketing pair of marks.
    const cpuUs = (from: typeof before1, to: typeof before1) =>
      to.cpu.user - from.cpu.user + to.cpu.system - from.cpu.system;
    const wallUs = (from: typeof before1, to: typeof before1) => (to.at - from.at) * 1000 * cores;
    const lowest = cpuUs(after1, before2) / wallUs(before1, after2);
    const highest = cpuUs(before1, after2) / wallUs(after1, before2);
    assert.ok(ratio !== undefined, 'process_cpu_usage_ratio exported');
    assert.ok(
      ratio >= lowest && ratio <= highest,
      `ratio ${ratio} must be this reader's CPU since its own last collection: ${lowest}..${highest}`,
    );
  } finally {
    stop();
    await r.shutdown();
  }
});
