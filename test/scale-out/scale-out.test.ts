/**
 * The scale-out path end to end (docs/scaling.md): 10 load apps and the demo push OTLP to two agents, which
 * route each app by service.instance.id to one of two gateways, which remote-write into Thanos Receive (a
 * router and a hashring of two ingestors); Thanos Rule evaluates the generated rules, Thanos Query answers
 * every dashboard query. Then one ingestor and one gateway are killed and restarted while the apps push.
 * Heavy (builds Thanos once, ~5 min; runs ~25 processes): `npm run test:scale`, not part of `npm test`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../support/processes.ts';
import { loadDashboards, queriesOf, type PanelQuery } from '../mixin/dashboard-queries.ts';
import { CANNOT_FEED, liveExpr, panelData } from '../mixin/panel-data.ts';
import { collectorCounter, peakRss, scalarAt } from './measure.ts';
import { startScaleTopology, type ScaleTopology } from './topology.ts';
import type { Restartable } from './restartable.ts';

const APPS = 10;
const STREAMS = 20;
const PUSH_MS = 2000;
const GATEWAY_LIMIT_MIB = 512;
const AGENT_LIMIT_MIB = 256; // deploy/scale/agent.yaml's default
const OUTAGE_SECONDS = 20;
const PROBE = 'packets_received_total{job="media-server", instance=~"load-.*"}';

/** Panel queries the push path cannot feed, and why (on top of the demo's CANNOT_FEED). */
const PUSH_CANNOT_FEED: Record<string, string> = {
  'flux-pipeline / Collection time P99 / A':
    'flux_metrics_scrape_duration_seconds times scrapes of the embedded /metrics endpoint; on the push path nothing scrapes the apps',
  'flux-pipeline / Samples per scrape / A':
    'flux_metrics_series counts the samples of the last scrape of the embedded endpoint; no scrape on the push path',
  'flux-pipeline / Scrape duration (Prometheus) / A':
    "scrape_duration_seconds is written by a Prometheus scraping the app; pushed apps have none (deploy.md: 'Liveness')",
};

const key = (uid: string, q: PanelQuery) => `${uid} / ${q.panel} / ${q.refId}`;
const now = () => Math.floor(Date.now() / 1000);

test('scale-out: apps → agents → gateways → Thanos, dashboards and rules answered, faults survived', async (t) => {
  const topo = await startScaleTopology({
    pushIntervalMs: PUSH_MS,
    demo: true,
    gatewayMemoryLimitMib: GATEWAY_LIMIT_MIB,
  });
  const memory = peakRss(() =>
    Object.fromEntries([...topo.gateways, ...topo.agents].map((c) => [c.name, c.child.process.pid])),
  );
  try {
    topo.startApps(APPS, STREAMS);
    const { store } = topo;
    await waitFor(
      'every load app in the store',
      async () =>
        (await scalarAt(store, `count(count by (instance) (${PROBE}))`, now())) === APPS ? true : undefined,
      180_000,
    );
    const runStart = now();
    t.diagnostic(`all ${APPS} apps visible through Thanos Query`);

    await checkDashboards(t, topo);
    await checkRules(t, topo);

    // Points/s the agents accept while nothing is broken: an outage lasts until the apps have pushed
    // OUTAGE_SECONDS worth of points into the agents (they keep pushing; the agents keep accepting).
    const accepted = async () => {
      let sum = 0;
      for (const a of topo.agents)
        sum += await collectorCounter(a.telemetry, 'otelcol_receiver_accepted_metric_points');
      return sum;
    };
    const a0 = await accepted();
    const baselineStart = now();
    await waitFor(
      'a baseline of 10 pushes of every app in the store',
      async () => {
        const pushes = await scalarAt(
          store,
          `min(count_over_time(${PROBE}[${now() - baselineStart + 1}s]))`,
          now(),
        );
        return pushes >= 10 ? true : undefined;
      },
      120_000,
    );
    const baselineEnd = now();
    const pps = ((await accepted()) - a0) / (baselineEnd - baselineStart);
    t.diagnostic(`agents accept ${pps.toFixed(0)} points/s`);

    const outages: { name: string; from: number; to: number }[] = [];
    for (const victim of [topo.store.ingestors[0]!, topo.gateways[0]!] as Restartable[]) {
      const before = await accepted();
      const from = now();
      await victim.kill();
      await waitFor(
        `the apps pushing ${OUTAGE_SECONDS} s worth of points while ${victim.name} is down`,
        async () => ((await accepted()) - before >= pps * OUTAGE_SECONDS ? true : undefined),
        OUTAGE_SECONDS * 10_000,
      );
      await victim.restart();
      const to = now();
      outages.push({ name: victim.name, from, to });
      t.diagnostic(`${victim.name} down ${to - from} s, restarted`);
      await waitFor(
        `fresh samples of every app after ${victim.name} came back`,
        async () =>
          (await scalarAt(store, `count(count by (instance) (timestamp(${PROBE}) > ${to}))`, now())) === APPS
            ? true
            : undefined,
        180_000,
      );
    }
    // Count only once nothing waits in an exporter queue: retried writes have landed or been given up.
    await waitFor(
      'every Collector queue empty',
      async () => {
        let queued = 0;
        for (const c of [...topo.agents, ...topo.gateways])
          queued += await collectorCounter(c.telemetry, 'otelcol_exporter_queue_size');
        return queued === 0 ? true : undefined;
      },
      120_000,
    );

    const series = APPS * STREAMS;
    const perSeriesRate = async (from: number, to: number) =>
      (await scalarAt(store, `sum(count_over_time(${PROBE}[${to - from}s]))`, to)) / series / (to - from);
    const baselineRate = await perSeriesRate(baselineStart, baselineEnd);
    t.diagnostic(`baseline: ${((baselineRate * PUSH_MS) / 1000).toFixed(3)} samples per series per push`);
    for (const o of outages) {
      const from = o.from - 5;
      const to = o.to + 15;
      const got = await scalarAt(store, `sum(count_over_time(${PROBE}[${to - from}s]))`, to);
      const expected = baselineRate * series * (to - from);
      const lost = Math.max(0, expected - got);
      t.diagnostic(
        `${o.name} outage (${o.to - o.from} s): ${got} of ~${expected.toFixed(0)} probe samples stored, ` +
          `${lost.toFixed(0)} lost (${((100 * lost) / expected).toFixed(1)}%)`,
      );
    }

    const runSeconds = now() - runStart;
    const resets = await scalarAt(store, `sum(resets(${PROBE}[${runSeconds}s]))`, now());
    assert.equal(resets, 0, 'no counter reset across the receiver and gateway restarts');
    const increase = await scalarAt(store, `sum(increase(${PROBE}[${runSeconds}s]))`, now());
    t.diagnostic(
      `increase over the run: ${increase.toFixed(0)} packets, ${(increase / (series * 500 * runSeconds)).toFixed(3)}× ` +
        "the load apps' 500 packets/s per stream",
    );

    assert.deepEqual(topo.crashed(), [], 'every app, Collector and store process is still running');
    for (const [name, peak] of memory.peaks) {
      const limit = name.startsWith('gateway') ? GATEWAY_LIMIT_MIB : AGENT_LIMIT_MIB;
      t.diagnostic(`${name}: peak RSS ${peak.toFixed(0)} MiB (memory_limiter limit ${limit} MiB)`);
      assert.ok(peak < limit, `${name} peak RSS ${peak.toFixed(0)} MiB is within its ${limit} MiB limit`);
    }
  } catch (err) {
    throw new Error(
      `${String(err)}\nnot running: ${topo.crashed().join(', ') || 'none'}\n${topo.diagnose()}`,
    );
  } finally {
    memory.stop();
    await topo.stop();
  }
});

/** Every dashboard panel query returns data from Thanos Query (the logic of test/mixin/dashboards-live). */
async function checkDashboards(t: { diagnostic(msg: string): void }, topo: ScaleTopology): Promise<void> {
  const queries = loadDashboards().flatMap((d) => queriesOf(d).map((q) => ({ uid: d.uid, q })));
  const exempt = (k: string) => k in CANNOT_FEED || k in PUSH_CANNOT_FEED;
  const fed = new Set<string>();
  const missing = () => queries.filter(({ uid, q }) => !fed.has(key(uid, q)) && !exempt(key(uid, q)));
  const started = Date.now();
  await waitFor(
    'data for every panel query from Thanos Query',
    async () => {
      for (const { uid, q } of missing()) {
        if ((await panelData(topo.store, q, { rangeSeconds: 120 })).length > 0) fed.add(key(uid, q));
      }
      return missing().length === 0 ? true : undefined;
    },
    300_000,
  ).catch((err: Error) => {
    const list = missing().map(({ uid, q }) => `  ${key(uid, q)}: ${liveExpr(q)}`);
    throw new Error(
      `${err.message}\nno data:\n${list.join('\n')}\ndemo:\n${topo.demo?.output().slice(-2000)}`,
    );
  });
  t.diagnostic(
    `${fed.size} of ${queries.length} panel queries had data from Thanos after ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

/** Thanos Rule loaded every generated group, and its recorded series are queryable through Query. */
async function checkRules(t: { diagnostic(msg: string): void }, topo: ScaleTopology): Promise<void> {
  const rulerUrl = `http://127.0.0.1:${topo.store.ruler.http}`;
  const { data } = (await (await fetch(`${rulerUrl}/api/v1/rules`)).json()) as {
    data: { groups: { name: string; rules: { type: string; health: string; lastError?: string }[] }[] };
  };
  const rules = data.groups.flatMap((g) => g.rules);
  const broken = rules.filter((r) => r.health === 'err');
  assert.deepEqual(broken, [], 'every rule evaluates without error against Thanos Query');
  const recording = rules.filter((r) => r.type === 'recording').length;
  const alerting = rules.filter((r) => r.type === 'alerting').length;
  assert.ok(
    recording > 0 && alerting > 0,
    `recording (${recording}) and alerting (${alerting}) rules loaded`,
  );
  const recorded = await waitFor(
    'recorded series in Thanos Query',
    async () => {
      const n = await scalarAt(topo.store, 'count({__name__=~".+:.+", ruler="rule-1"})', now());
      return n > 0 ? n : undefined;
    },
    120_000,
  );
  t.diagnostic(
    `Thanos Rule: ${data.groups.length} groups, ${recording} recording + ${alerting} alerting rules, ${recorded} recorded series`,
  );
}
