/**
 * Scrape cost at 1,000 active streams: every observed catalog metric with a stream_name label gets a cell
 * per stream, then /metrics is scraped over HTTP (plain and gzip) while monitorEventLoopDelay watches the
 * loop that the media path would share. Prints scrape latency and the longest event-loop stall.
 * Usage: npx tsc -b && node bench/export-scrape.ts [streams] [scrapes]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { CATALOG, fluxInstruments, startSystemMetrics, type MetricName } from '@flux-metrics/core';
import { catalogViews } from '@flux-metrics/node';
import { PrometheusBridge } from '@flux-metrics/prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { sampleLabels } from '../test/support/sample-all.ts';

const streams = Number(process.argv[2] ?? 1000);
const scrapes = Number(process.argv[3] ?? 30);

const ref: { provider?: MeterProvider } = {};
const bridge = new PrometheusBridge({
  meterProvider: () => ref.provider,
});
const provider = new MeterProvider({ readers: [bridge.reader], views: catalogViews() });
ref.provider = provider;
startSystemMetrics({ meterProvider: provider });

const instruments = fluxInstruments(provider);
const perStream = CATALOG.filter((d) => d.kind.startsWith('observable') && 'stream_name' in d.labels);
for (let s = 0; s < streams; s++) {
  for (const def of perStream) {
    const family = instruments.get(def.name as MetricName) as { cell(l: never): { value: number } };
    family.cell({ ...sampleLabels(def), stream_name: `stream-${s}` } as never).value = s * 1000 + 1;
  }
}

const { port } = await bridge.listen({ port: 0 });

// The scraper runs in a worker thread: its own event loop, so the stall measured below is the server's alone.
const scraper = new Worker(
  `const { parentPort, workerData } = require('node:worker_threads');
   const http = require('node:http');
   parentPort.on('message', (gzip) => {
     const started = performance.now();
     http.get({ host: '127.0.0.1', port: workerData.port, path: '/metrics',
                headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (res) => {
       let bytes = 0;
       res.on('data', (c) => (bytes += c.length));
       res.on('end', () => parentPort.postMessage({ ms: performance.now() - started, bytes }));
     });
   });`,
  { eval: true, workerData: { port } },
);

function scrape(gzip: boolean): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve) => {
    scraper.once('message', resolve);
    scraper.postMessage(gzip);
  });
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
await scrape(false); // warm-up: JIT and first-collection allocation
const series = (await bridge.scrape()).series;
console.log(
  `streams ${streams}, per-stream observed metrics ${perStream.length}, samples per scrape ${series}`,
);
{
  // Baseline: the same loop with no scrape, so machine noise (other processes, GC) can be told apart.
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 2000));
  idle.disable();
  console.log(`idle : longest event-loop stall ${(idle.max / 1e6).toFixed(1)} ms over 2 s without scrapes`);
}
for (const gzip of [false, true]) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < scrapes; i++) {
    const r = await scrape(gzip);
    times.push(r.ms);
    bytes = r.bytes;
  }
  delay.disable();
  times.sort((a, b) => a - b);
  console.log(
    `${gzip ? 'gzip ' : 'plain'}: ${scrapes} scrapes, ${(bytes / 1024).toFixed(0)} KiB, latency p50 ${pct(times, 0.5).toFixed(1)} ms, ` +
      `p99 ${pct(times, 0.99).toFixed(1)} ms, max ${times[times.length - 1]!.toFixed(1)} ms; ` +
      `longest event-loop stall ${(delay.max / 1e6).toFixed(1)} ms (p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms)`,
  );
}
await scraper.terminate();
await bridge.shutdown();
await provider.shutdown();
