/**
 * Scrape cost at N active streams: every observed catalog metric with a stream_name label gets a series per
 * stream (22 per stream), then /metrics is rendered in process and scraped over HTTP (plain and gzip) while
 * monitorEventLoopDelay watches the loop the media path would share, and the heap is sampled throughout.
 * The same series are served by flux-metrics, prom-client, or stock OpenTelemetry (PrometheusExporter's
 * reader and serializer, cardinality limit raised so it keeps every series), one per process.
 * Usage: npm run build && node --expose-gc bench/export-scrape.ts [streams] [scrapes] [flux|prom-client|otel] [--json]
 */
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { constants, gzipSync } from 'node:zlib';
import { CATALOG, fluxInstruments, type MetricDefinition, type MetricName } from '@flux-metrics/core';
import { catalogViews } from '@flux-metrics/node';
import { PrometheusBridge } from '@flux-metrics/prometheus';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Counter, Gauge, Registry } from 'prom-client';
import { sampleLabels } from '../test/support/sample-all.ts';

const streams = Number(process.argv[2] ?? 1000);
const scrapes = Number(process.argv[3] ?? 30);
const impl = process.argv[4] ?? 'flux';
const json = process.argv.includes('--json');
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const perStream = CATALOG.filter((d) => d.kind.startsWith('observable') && 'stream_name' in d.labels);
const labelsOf = (def: MetricDefinition, s: number) => ({ ...sampleLabels(def), stream_name: `stream-${s}` });

/** A server rendering the same series: `render` in process, `listen` over HTTP. */
interface Target {
  /** One scrape's text in process, in the form the library produces it (flux: pieces; peers: a string). */
  render(): Promise<{ bytes: number; samples: number }>;
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** Sample lines in a piece of exposition text: line ends minus comment lines. */
function countLines(piece: string | Uint8Array): number {
  const text = typeof piece === 'string' ? piece : Buffer.from(piece).toString('latin1');
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines - (text.match(/^#/gm)?.length ?? 0);
}

const measured = (text: string) => ({ bytes: Buffer.byteLength(text), samples: countLines(text) });

/** prom-client and stock OTel render a whole string; gzip at level 1 too, so the columns compare alike. */
function servedWhole(render: () => Promise<string>): Pick<Target, 'listen' | 'close'> {
  const server = createServer((req, res) => {
    void render().then((text) => {
      const zip = /gzip/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = zip ? gzipSync(text, { level: constants.Z_BEST_SPEED }) : text;
      res.writeHead(200, zip ? { 'content-encoding': 'gzip' } : {}).end(body);
    });
  });
  return {
    listen: () =>
      new Promise((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
      ),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function fluxTarget(): Target {
  const ref: { provider?: MeterProvider } = {};
  const bridge = new PrometheusBridge({ meterProvider: () => ref.provider });
  const provider = new MeterProvider({ readers: [bridge.reader], views: catalogViews() });
  ref.provider = provider;
  const instruments = fluxInstruments(provider);
  for (let s = 0; s < streams; s++) {
    for (const def of perStream) {
      const family = instruments.get(def.name as MetricName) as { cell(l: never): { value: number } };
      family.cell(labelsOf(def, s) as never).value = s * 1000 + 1;
    }
  }
  return {
    render: async () => {
      let bytes = 0;
      let samples = 0;
      for await (const piece of bridge.pieces()) {
        bytes += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
        samples += countLines(piece);
      }
      return { bytes, samples };
    },
    listen: async () => (await bridge.listen({ port: 0 })).port,
    close: async () => {
      await bridge.shutdown();
      await provider.shutdown();
    },
  };
}

function promTarget(): Target {
  const registry = new Registry();
  for (const def of perStream) {
    const labelNames = Object.keys(def.labels);
    const counter = def.kind === 'observableCounter';
    const name = counter && !def.name.endsWith('_total') ? `${def.name}_total` : def.name;
    const options = { name, help: def.help, labelNames, registers: [registry] };
    const metric = counter ? new Counter(options) : new Gauge(options);
    for (let s = 0; s < streams; s++) {
      const child = metric.labels(labelsOf(def, s));
      if (child instanceof Object && 'set' in child) child.set(s * 1000 + 1);
      else child.inc(s * 1000 + 1);
    }
  }
  const render = () => registry.metrics();
  return { render: async () => measured(await render()), ...servedWhole(render) };
}

function otelTarget(): Target {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    readers: [exporter],
    // Stock OTel drops series past 2,000 per instrument; raised so it records what it is given.
    views: [{ instrumentName: '*', aggregationCardinalityLimit: 10_000_000 }],
  });
  const meter = provider.getMeter('bench');
  for (const def of perStream) {
    const options = { description: def.help, unit: def.unit };
    const record =
      def.kind === 'observableCounter'
        ? (
            (c) => (v: number, a: object) =>
              c.add(v, a)
          )(meter.createCounter(def.name, options))
        : def.kind === 'observableUpDownCounter'
          ? (
              (c) => (v: number, a: object) =>
                c.add(v, a)
            )(meter.createUpDownCounter(def.name, options))
          : (
              (g) => (v: number, a: object) =>
                g.record(v, a)
            )(meter.createGauge(def.name, options));
    for (let s = 0; s < streams; s++) record(s * 1000 + 1, labelsOf(def, s));
  }
  const serializer = new PrometheusSerializer();
  const render = async () => serializer.serialize((await exporter.collect()).resourceMetrics);
  return {
    render: async () => measured(await render()),
    ...servedWhole(render),
    close: async () => {
      await provider.shutdown();
    },
  };
}

gc();
const heapBefore = process.memoryUsage().heapUsed;
const target = impl === 'prom-client' ? promTarget() : impl === 'otel' ? otelTarget() : fluxTarget();

// Heap sampled every 2 ms (while a scrape yields) and at the end of every scrape: its peak is the figure.
let heapPeak = 0;
const sampleHeap = () => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed));
const heapTimer = setInterval(sampleHeap, 2);

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

// In process: the whole text rendered, best and median of `scrapes` (at least 3).
let samples = 0;
let bytes = 0;
const renderTimes: number[] = [];
await target.render(); // warm-up: JIT, first-collection allocation, label text prepared
for (let i = 0; i < Math.max(3, Math.min(scrapes, 10)); i++) {
  const started = performance.now();
  ({ bytes, samples } = await target.render());
  renderTimes.push(performance.now() - started);
  sampleHeap();
}
renderTimes.sort((a, b) => a - b);
gc();
const heapIdle = process.memoryUsage().heapUsed;
heapPeak = heapIdle;

const port = await target.listen();
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
await scrape(false);

const idle = monitorEventLoopDelay({ resolution: 1 });
idle.enable();
await new Promise((r) => setTimeout(r, 1000));
idle.disable();

const http: Record<string, { p50: number; p99: number; stall: number; bytes: number }> = {};
for (const gzip of [false, true]) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < scrapes; i++) {
    const r = await scrape(gzip);
    times.push(r.ms);
    size = r.bytes;
    sampleHeap();
  }
  delay.disable();
  times.sort((a, b) => a - b);
  http[gzip ? 'gzip' : 'plain'] = {
    p50: pct(times, 0.5),
    p99: pct(times, 0.99),
    stall: delay.max / 1e6,
    bytes: size,
  };
}
clearInterval(heapTimer);
await scraper.terminate();
await target.close();

const MiB = 1024 * 1024;
const result = {
  impl,
  streams,
  samples,
  bytes,
  renderMs: { best: renderTimes[0]!, p50: pct(renderTimes, 0.5) },
  http,
  idleStallMs: idle.max / 1e6,
  heapMiB: { before: heapBefore / MiB, idle: heapIdle / MiB, peak: heapPeak / MiB },
};
if (json) {
  console.log(JSON.stringify(result));
} else {
  const f = (n: number) => n.toFixed(1);
  console.log(`${impl}: streams ${streams}, samples ${samples}, ${f(bytes / 1024)} KiB`);
  console.log(`  render in process: best ${f(result.renderMs.best)} ms, p50 ${f(result.renderMs.p50)} ms`);
  for (const [mode, r] of Object.entries(http)) {
    console.log(
      `  ${mode.padEnd(5)} over HTTP: p50 ${f(r.p50)} ms, p99 ${f(r.p99)} ms, ${f(r.bytes / 1024)} KiB, ` +
        `longest event-loop stall ${f(r.stall)} ms (idle loop: ${f(result.idleStallMs)} ms)`,
    );
  }
  console.log(
    `  heap: ${f(result.heapMiB.idle)} MiB holding the series, peak ${f(result.heapMiB.peak)} MiB while scraped`,
  );
}
process.exit(0); // a provider's timers must not keep a benchmark process alive
