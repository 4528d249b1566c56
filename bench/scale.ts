/**
 * Capacity of the scale-out path (docs/scaling.md): load apps push OTLP through two agents and two gateways
 * into Thanos Receive (router + 2 ingestors). Prints, for this machine: samples/s per gateway and per gateway
 * CPU core, memory per 100k active series at each tier, push latency (app → agent), remote-write latency at
 * the store, end-to-end freshness, and dashboard query latency through Thanos Query.
 * Usage: npm run bench:scale [-- apps streamsPerApp pushIntervalMs measureSeconds]   (default 10 400 5000 60)
 */
import { readFileSync } from 'node:fs';
import { waitFor } from '../test/support/processes.ts';
import { loadDashboards, queriesOf } from '../test/mixin/dashboard-queries.ts';
import { liveExpr } from '../test/mixin/panel-data.ts';
import { collectorCounter, rssMib, scalarAt } from '../test/scale-out/measure.ts';
import { startScaleTopology } from '../test/scale-out/topology.ts';

const [apps = 10, streams = 400, pushMs = 5000, measureSeconds = 60] = process.argv.slice(2).map(Number);
const now = () => Math.floor(Date.now() / 1000);
const PROBE = 'packets_received_total{job="media-server"}';

/** CPU seconds (user + system) a process has used. */
function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

async function headSeries(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  // Per tenant on a Receive: prometheus_tsdb_head_series{tenant="…"} n
  return [...text.matchAll(/^prometheus_tsdb_head_series(?:\{[^}]*\})? (\S+)$/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

const topo = await startScaleTopology({ pushIntervalMs: pushMs, gatewayMemoryLimitMib: 2048 });
try {
  const { store } = topo;
  const tiers = {
    agent: topo.agents,
    gateway: topo.gateways,
    ingestor: store.ingestors,
    router: [store.router],
    query: [store.querier],
  };
  const rssOf = (procs: { child: { process: { pid?: number } } }[]) =>
    procs.reduce((sum, p) => sum + (rssMib(p.child.process.pid) ?? 0), 0);
  const idle = Object.fromEntries(Object.entries(tiers).map(([tier, procs]) => [tier, rssOf(procs)]));

  const started = Date.now();
  topo.startApps(apps, streams);
  // One more app of the same size pushes on its own clock and reports how long each push takes.
  const [timed] = topo.startApps(1, streams, {
    OTEL_METRIC_EXPORT_INTERVAL: '3600000',
    FLUX_SCALE_TIMED_PUSH_MS: String(pushMs),
  });
  let last = -1;
  const series = await waitFor(
    'every app in the store and the head series count steady',
    async () => {
      const visible = await scalarAt(store, `count(count by (instance) (${PROBE}))`, now());
      let head = 0;
      for (const i of store.ingestors) head += await headSeries(i.http);
      const steady = visible === apps + 1 && head === last;
      last = head;
      return steady ? head : undefined;
    },
    600_000,
  );
  console.log(
    `load: ${apps + 1} apps × ${streams} SRT streams, push every ${pushMs} ms → ${series} active series in the store ` +
      `(${(series / ((apps + 1) * streams)).toFixed(1)} per stream), ready after ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );

  const sent0 = await Promise.all(
    topo.gateways.map((g) => collectorCounter(g.telemetry, 'otelcol_exporter_sent_metric_points')),
  );
  const cpu0 = topo.gateways.map((g) => cpuSeconds(g.child.process.pid));
  const peak: Record<string, number> = {};
  const t0 = Date.now();
  const freshness: number[] = [];
  await waitFor(
    `${measureSeconds} s of steady load`,
    async () => {
      for (const [tier, procs] of Object.entries(tiers)) peak[tier] = Math.max(peak[tier] ?? 0, rssOf(procs));
      freshness.push(await scalarAt(store, `time() - min(timestamp(${PROBE}))`, now()));
      return Date.now() - t0 >= measureSeconds * 1000 ? true : undefined;
    },
    measureSeconds * 2000,
  );
  const elapsed = (Date.now() - t0) / 1000;
  const sent = await Promise.all(
    topo.gateways.map((g) => collectorCounter(g.telemetry, 'otelcol_exporter_sent_metric_points')),
  );
  const cpu = topo.gateways.map((g) => cpuSeconds(g.child.process.pid));
  const refused = await Promise.all(
    topo.gateways.map((g) => collectorCounter(g.telemetry, 'otelcol_receiver_refused_metric_points')),
  );

  console.log('\ngateways (remote write to Thanos Receive)');
  topo.gateways.forEach((g, i) => {
    const rate = (sent[i]! - sent0[i]!) / elapsed;
    const cores = (cpu[i]! - cpu0[i]!) / elapsed;
    console.log(
      `  ${g.name}: ${rate.toFixed(0)} samples/s using ${cores.toFixed(2)} cores → ${(rate / Math.max(cores, 0.001)).toFixed(0)} samples/s per core, ${refused[i]} refused`,
    );
  });

  console.log('\nmemory (RSS, all processes of the tier; idle → under load; per 100k active series)');
  for (const [tier, procs] of Object.entries(tiers)) {
    const perSeries = ((peak[tier]! - idle[tier]!) / series) * 100_000;
    console.log(
      `  ${tier.padEnd(9)} ×${procs.length}: ${idle[tier]!.toFixed(0)} → ${peak[tier]!.toFixed(0)} MiB, ${perSeries.toFixed(0)} MiB per 100k series`,
    );
  }

  const pushes = timed!
    .output()
    .split('\n')
    .filter((l) => l.startsWith('push_ms '))
    .map((l) => Number(l.split(' ')[1]));
  console.log(
    `\npush latency app → agent (${streams} streams, ${pushes.length} pushes): p50 ${quantile(pushes, 0.5).toFixed(0)} ms, p99 ${quantile(pushes, 0.99).toFixed(0)} ms, max ${Math.max(...pushes).toFixed(0)} ms`,
  );
  for (const q of [0.5, 0.99]) {
    const write = await scalarAt(
      store,
      `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{job="thanos", component="router", handler="receive"}[${Math.floor(elapsed)}s])))`,
      now(),
    );
    console.log(`remote-write latency at the Thanos router p${q * 100}: ${(write * 1000).toFixed(0)} ms`);
  }
  console.log(
    `freshness (now − oldest newest sample of a probe series): median ${quantile(freshness, 0.5).toFixed(1)} s, max ${Math.max(...freshness).toFixed(1)} s (push every ${pushMs / 1000} s)`,
  );

  const queryTimes: number[] = [];
  const end = now();
  for (const q of loadDashboards().flatMap(queriesOf)) {
    const expr = encodeURIComponent(liveExpr(q));
    const start = performance.now();
    await store.get(
      q.instant
        ? `/api/v1/query?query=${expr}&time=${end}`
        : `/api/v1/query_range?query=${expr}&start=${end - 900}&end=${end}&step=15`,
    );
    queryTimes.push(performance.now() - start);
  }
  console.log(
    `dashboard queries through Thanos Query (${queryTimes.length}, last 15 min at 15 s steps): p50 ${quantile(queryTimes, 0.5).toFixed(0)} ms, p95 ${quantile(queryTimes, 0.95).toFixed(0)} ms, max ${Math.max(...queryTimes).toFixed(0)} ms`,
  );
  const crashed = topo.crashed();
  if (crashed.length > 0) console.log(`\nnot running at the end: ${crashed.join(', ')}`);
} finally {
  await topo.stop();
}
