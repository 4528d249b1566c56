import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { fluxInstruments } from '@flux-metrics/core';
import { register } from '@flux-metrics/node';
import { buildCollector, collectorPorts, startCollector } from '../export/collector-process.ts';
import { httpGet } from '../export/http-get.ts';
import { waitFor, type Child } from '../support/processes.ts';
import { fmt, heapMiB } from './measure.ts';

type Mode = 'forward' | 'error500' | 'hang';

/**
 * Stands between the app and the Collector's OTLP/HTTP receiver: forwards, answers 500, or never answers.
 * A forward to a Collector that is down closes the app's connection, as a refused connection would.
 */
async function startOtlpFront(collectorHttpPort: number) {
  const state = {
    mode: 'forward' as Mode,
    answered500: 0,
    hanging: new Set<ServerResponse>(),
    maxHanging: 0,
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (state.mode === 'error500') {
      state.answered500++;
      req.resume();
      res.writeHead(500).end('collector unhappy');
      return;
    }
    if (state.mode === 'hang') {
      req.resume();
      state.hanging.add(res);
      state.maxHanging = Math.max(state.maxHanging, state.hanging.size);
      res.once('close', () => state.hanging.delete(res));
      return;
    }
    const upstream = request(
      { port: collectorHttpPort, host: '127.0.0.1', path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, state, port: (server.address() as { port: number }).port };
}

/** The app's errors_total{component="app"} as the Collector's Prometheus exporter shows it (0 if absent). */
async function collectorTotal(prometheusPort: number): Promise<number> {
  const text = (await httpGet(`http://127.0.0.1:${prometheusPort}/metrics`)).body.toString();
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith('errors_total{') && l.includes('component="app"') && l.includes('type="timeout"'),
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

test('outages: Collector down and back, OTLP 500 and hanging, slow scrapers — no crash, bounded memory, continuous totals', async (t) => {
  const bin = await buildCollector();
  const ports = await collectorPorts();
  let collector: Child = await startCollector(bin, ports);
  const front = await startOtlpFront(ports.http);
  const registration = register({
    serviceName: 'flux-outages',
    exporters: ['prometheus', 'otlp'],
    prometheus: { port: 0 },
    otlp: {
      protocol: 'http/protobuf',
      endpoint: `http://127.0.0.1:${front.port}/v1/metrics`,
      exportIntervalMillis: 500,
      exportTimeoutMillis: 400,
    },
    systemMetrics: false,
    flushOnExit: false,
  });
  const address = await registration.ready;
  assert.ok(address, 'the embedded endpoint listens');
  const appMetrics = `http://127.0.0.1:${address.port}/metrics`;
  const errors = fluxInstruments().get('errors_total');
  let total = 0;
  const work = setInterval(() => {
    for (let i = 0; i < 10; i++) errors.record(1, { type: 'timeout', component: 'app' });
    total += 10;
  }, 5);
  const slowScrapers: Socket[] = [];
  t.after(async () => {
    clearInterval(work);
    for (const s of slowScrapers) s.destroy();
    for (const res of front.state.hanging) res.destroy();
    await registration.shutdown();
    front.server.closeAllConnections();
    front.server.close();
    await collector.stop();
  });
  const heap: number[] = [heapMiB()];
  const figures: string[] = [];
  const run = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Waits until the Collector shows at least what the app had counted when the phase ended. */
  const caughtUp = async (phase: string) => {
    const expected = total;
    const started = performance.now();
    const seen = await waitFor(
      `the Collector total to reach ${expected} after ${phase}`,
      async () => {
        const value = await collectorTotal(ports.prometheus);
        return value >= expected ? value : undefined;
      },
      30_000,
    );
    figures.push(
      `${phase}: Collector caught up in ${fmt((performance.now() - started) / 1000)} s (${seen} ≥ ${expected})`,
    );
    heap.push(heapMiB());
  };
  const appServes = async () =>
    assert.equal((await httpGet(appMetrics)).status, 200, 'the app keeps serving');

  await run(1000);
  await caughtUp('start');

  // 1. The Collector process dies and comes back on the same ports.
  await collector.stop();
  await run(4000);
  await appServes();
  heap.push(heapMiB());
  collector = await startCollector(bin, ports);
  await caughtUp('Collector down 4 s and restarted');

  // 2. The OTLP endpoint answers 500.
  front.state.mode = 'error500';
  await run(4000);
  await appServes();
  heap.push(heapMiB());
  front.state.mode = 'forward';
  await caughtUp(`OTLP answering 500 for 4 s (${front.state.answered500} pushes refused)`);

  // 3. The OTLP endpoint accepts and never answers.
  front.state.mode = 'hang';
  await run(4000);
  await appServes();
  heap.push(heapMiB());
  const hangingAtEnd = front.state.hanging.size;
  front.state.mode = 'forward';
  for (const res of front.state.hanging) res.destroy();
  await caughtUp(
    `OTLP hanging for 4 s (at most ${front.state.maxHanging} pushes open at once, ${hangingAtEnd} at the end)`,
  );

  // 4. Scrapers that ask and then read nothing (a slow or stuck Prometheus), while a normal one scrapes.
  for (let i = 0; i < 20; i++) {
    const socket = connect(address.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
    socket.pause();
    slowScrapers.push(socket);
  }
  const normal: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await appServes();
    normal.push(performance.now() - t0);
    await run(100);
  }
  heap.push(heapMiB());
  figures.push(`20 stuck scrapers: normal scrapes still answered (max ${fmt(Math.max(...normal))} ms)`);
  await caughtUp('stuck scrapers');

  const own = (await httpGet(appMetrics)).body.toString();
  const ownLine = own.split('\n').find((l) => l.startsWith('errors_total{') && l.includes('component="app"'));
  const ownTotal = Number(ownLine?.slice(ownLine.lastIndexOf(' ') + 1));
  for (const f of figures) t.diagnostic(f);
  t.diagnostic(`heap after GC through the phases (MiB): ${heap.map((h) => fmt(h)).join(' → ')}`);
  t.diagnostic(`app total ${total}, its own /metrics ${ownTotal}`);

  assert.ok(ownTotal <= total && ownTotal > 0);
  assert.ok(front.state.answered500 >= 4, 'pushes met the 500s');
  assert.ok(
    front.state.maxHanging <= 4,
    `${front.state.maxHanging} hung pushes at once: bounded by the concurrency limit`,
  );
  assert.ok(Math.max(...heap) - heap[0]! < 32, `heap grew ${fmt(Math.max(...heap) - heap[0]!)} MiB`);
});
