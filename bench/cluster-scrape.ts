/**
 * Scrape cost of the aggregated endpoint: a node:cluster primary with N workers, each holding a cell per
 * per-stream catalog metric for its own S streams (a stream lives on one worker) plus shared counters and a
 * histogram; the primary's /metrics is scraped over HTTP and the latency printed (IPC round trip, every
 * worker's collection, the merge and the serializer).
 * Usage: npm run bench:cluster -- [workers] [streams per worker] [scrapes]
 */
import cluster from 'node:cluster';
import { CATALOG, fluxInstruments, type MetricName } from '@flux-metrics/core';
import { register } from '@flux-metrics/node';
import { shareMetrics, WorkerMetrics } from '@flux-metrics/prometheus';
import { sampleLabels } from '../test/support/sample-all.ts';

const workerCount = Number(process.argv[2] ?? 4);
const streams = Number(process.argv[3] ?? 250);
const scrapes = Number(process.argv[4] ?? 30);

if (cluster.isPrimary) {
  const workers = new WorkerMetrics({ timeoutMillis: 10_000 });
  workers.attachCluster(cluster);
  const registration = register({ prometheus: { port: 0, workers }, flushOnExit: false });
  for (let i = 0; i < workerCount; i++) cluster.fork();
  const address = await registration.ready;
  while (workers.size < workerCount) await new Promise((resolve) => setTimeout(resolve, 100));
  const url = `http://127.0.0.1:${address?.port}/metrics`;
  const times: number[] = [];
  let bytes = 0;
  let samples = 0;
  for (let i = 0; i < scrapes + 3; i++) {
    const started = performance.now();
    const text = await (await fetch(url)).text();
    // The first scrapes warm up the JIT.
    if (i >= 3) times.push(performance.now() - started);
    bytes = text.length;
    samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
  console.log(
    `${workerCount} workers × ${streams} streams: ${samples} samples, ${(bytes / 1024).toFixed(0)} KiB; ` +
      `scrape median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms (${scrapes} scrapes)`,
  );
  cluster.disconnect();
  await registration.shutdown();
} else {
  const registration = register({ prometheus: { listen: false }, flushOnExit: false });
  const instruments = fluxInstruments(registration.meterProvider);
  const id = cluster.worker!.id;
  const perStream = CATALOG.filter((d) => d.kind.startsWith('observable') && 'stream_name' in d.labels);
  for (let s = 0; s < streams; s++) {
    for (const def of perStream) {
      const family = instruments.get(def.name as MetricName) as { cell(l: never): { value: number } };
      family.cell({ ...sampleLabels(def), stream_name: `w${id}-stream-${s}` } as never).value = s + 1;
    }
  }
  for (let i = 0; i < 100; i++) {
    instruments.get('connections_opened_total').record(1, { protocol: 'rtsp' });
    instruments.get('connection_setup_duration_seconds').record(i / 1000, { protocol: 'rtsp' });
  }
  shareMetrics(registration.prometheus!.reader);
}
