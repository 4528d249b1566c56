import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { fluxInstruments } from '@flux-metrics/core';
import { bridgeWithProvider } from '../support/bridge.ts';
import { PrometheusBridge } from '@flux-metrics/prometheus';
import { emptyResource } from '@opentelemetry/resources';
import type { MetricProducer } from '@opentelemetry/sdk-metrics';
import { httpGet } from './http-get.ts';
import { parseExposition, valueOf } from '../support/exposition.ts';

function setup(options: ConstructorParameters<typeof PrometheusBridge>[0] = {}) {
  const { bridge, provider } = bridgeWithProvider(options);
  fluxInstruments(provider).get('errors_total').record(3, { type: 'timeout', component: 'rtsp' });
  return { bridge, provider };
}

const metricsErrors = (text: string, type: string) =>
  valueOf(parseExposition(text), 'errors_total', { component: 'metrics', type });

test('a server error after listening (accept EMFILE) is counted, not an uncaught exception', async (t) => {
  const { bridge, provider } = setup();
  const { port } = await bridge.listen({ port: 0 });
  t.after(async () => {
    await bridge.shutdown();
    await provider.shutdown();
  });
  // What node:net emits when accept(2) fails; libuv hides most EMFILEs, not all (a thread-pool open can
  // take the descriptor it keeps in reserve), so the error is raised the way Node raises it.
  const emfile = Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', errno: -24, syscall: 'accept' });
  assert.ok(bridge.server, 'the standalone server is exposed while listening');
  assert.doesNotThrow(() => bridge.server!.emit('error', emfile));
  const res = await httpGet(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200, 'still serving');
  assert.equal(metricsErrors(res.body.toString(), 'EMFILE'), 1);
});

test('listen() can be retried after EADDRINUSE', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as { port: number };
  const { bridge, provider } = setup();
  t.after(async () => {
    blocker.close();
    await bridge.shutdown();
    await provider.shutdown();
  });
  await assert.rejects(bridge.listen({ port }), { code: 'EADDRINUSE' });
  await new Promise<void>((resolve) => blocker.close(() => resolve()));
  const address = await bridge.listen({ port });
  assert.equal(address.port, port);
  assert.equal((await httpGet(`http://127.0.0.1:${port}/metrics`)).status, 200);
});

test('collection errors are counted and the rest of the scrape is served', async (t) => {
  const { bridge, provider } = setup();
  t.after(() => provider.shutdown());
  const gauge = provider.getMeter('app').createObservableGauge('app_temperature');
  gauge.addCallback(() => {
    throw new Error('sensor unplugged');
  });
  const first = await bridge.scrape();
  assert.match(first.text, /^errors_total\{type="timeout",component="rtsp"/m, 'other metrics still served');
  const second = await bridge.scrape();
  assert.ok((metricsErrors(second.text, 'internal') ?? 0) >= 1, 'the failed callback is counted');
});

test('a failed scrape answers 500 without the error text, and is counted', async (t) => {
  let calls = 0;
  const failsOnce: MetricProducer = {
    collect: () =>
      calls++ === 0
        ? Promise.reject(new Error('password=hunter2 at db.internal:5432'))
        : Promise.resolve({ resourceMetrics: { resource: emptyResource(), scopeMetrics: [] }, errors: [] }),
  };
  const { bridge, provider } = setup({ metricProducers: [failsOnce] });
  const { port } = await bridge.listen({ port: 0 });
  t.after(async () => {
    await bridge.shutdown();
    await provider.shutdown();
  });
  const res = await httpGet(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 500);
  assert.doesNotMatch(res.body.toString(), /hunter2|db\.internal/);
  assert.match(res.body.toString(), /scrape failed/);
  const next = await httpGet(`http://127.0.0.1:${port}/metrics`);
  assert.equal(next.status, 200);
  assert.equal(metricsErrors(next.body.toString(), 'internal'), 1);
});

test('the Authorization scheme is case-insensitive (bearer, BASIC)', async (t) => {
  const bearer = setup({ auth: { bearerToken: 's3cret' } });
  const basic = setup({ auth: { username: 'prom', password: 'pw' } });
  const [b, p] = [await bearer.bridge.listen({ port: 0 }), await basic.bridge.listen({ port: 0 })];
  t.after(async () => {
    for (const s of [bearer, basic]) {
      await s.bridge.shutdown();
      await s.provider.shutdown();
    }
  });
  const get = (port: number, authorization: string) =>
    httpGet(`http://127.0.0.1:${port}/metrics`, { authorization }).then((r) => r.status);
  assert.equal(await get(b.port, 'bearer s3cret'), 200);
  assert.equal(await get(b.port, 'BEARER s3cret'), 200);
  assert.equal(await get(b.port, 'bearer S3CRET'), 401, 'the token itself stays case-sensitive');
  assert.equal(await get(b.port, 'Basic s3cret'), 401);
  const credentials = Buffer.from('prom:pw').toString('base64');
  assert.equal(await get(p.port, `basic ${credentials}`), 200);
  assert.equal(await get(p.port, `BASIC ${credentials}`), 200);
  assert.equal(await get(p.port, `Bearer ${credentials}`), 401);
});
