import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { fluxInstruments } from '@flux-metrics/core';
import { bridgeWithProvider } from '../support/bridge.ts';
import { PrometheusBridge, type PrometheusBridgeOptions } from '@flux-metrics/prometheus';
import { httpGet } from '../export/http-get.ts';
import { fmt, percentile } from './measure.ts';

/** A bridge with a realistic load of series (200 streams), listening on `host`. */
async function serve(
  t: { after(fn: () => Promise<void>): void },
  host: string,
  options: PrometheusBridgeOptions = {},
) {
  const { bridge, provider } = bridgeWithProvider(options);
  const bytes = fluxInstruments(provider).get('bytes_sent_total');
  for (let i = 0; i < 200; i++) bytes.cell({ protocol: 'rtsp', stream_name: `cam${i}` }).value = i;
  const { port } = await bridge.listen({ host, port: 0 });
  t.after(async () => {
    await bridge.shutdown();
    await provider.shutdown();
  });
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { bridge, port, base };
}

/** Sends raw bytes and resolves with whatever the server answered before closing (or after 5 s). */
async function raw(port: number, text: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (c: Buffer) => (answer += c.toString('latin1')));
  socket.on('error', () => {});
  socket.write(text);
  // Not events.once: it rejects on the ECONNRESET a server that closes on us causes.
  const closed = new Promise((resolve) => socket.once('close', resolve));
  await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
  socket.destroy();
  return answer;
}

const scrapeMs = async (url: string) => {
  const started = performance.now();
  const res = await httpGet(url);
  assert.equal(res.status, 200);
  return performance.now() - started;
};

test('wrong methods and paths, 64 KB headers, long URLs', async (t) => {
  const { base, port } = await serve(t, '127.0.0.1');
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND']) {
    assert.equal((await fetch(`${base}/metrics`, { method })).status, 405, method);
  }
  assert.match(await raw(port, 'X-HOSTILE /metrics HTTP/1.1\r\nHost: x\r\n\r\n'), /^HTTP\/1\.1 400 /);
  const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal((await head.text()).length, 0);
  for (const path of [
    '/',
    '/metrics/',
    '/metricsx',
    '/%2e%2e/etc/passwd',
    '/metrics%00',
    `/${'x'.repeat(8000)}`,
  ]) {
    assert.equal((await httpGet(`${base}${path}`)).status, 404, path);
  }
  const huge = await raw(port, `GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
  assert.match(huge, /^HTTP\/1\.1 431 /, '64 KB of headers: 431, connection closed');
  const garbage = await raw(port, 'BLAH\r\n\r\n\u0000\u0001');
  assert.match(garbage, /^HTTP\/1\.1 400 /);
  assert.equal((await httpGet(`${base}/metrics`)).status, 200, 'still serving');
  t.diagnostic(
    '6 wrong methods → 405, an unknown one → 400, 6 wrong paths → 404, 64 KB headers → 431, garbage → 400; still serving',
  );
});

test('slowloris clients neither block scrapes nor hold sockets past the header timeout', async (t) => {
  const { base, port } = await serve(t, '127.0.0.1');
  const baseline: number[] = [];
  for (let i = 0; i < 20; i++) baseline.push(await scrapeMs(`${base}/metrics`));
  const slow: Socket[] = [];
  const closedAt: number[] = [];
  const started = performance.now();
  for (let i = 0; i < 200; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.once('close', () => closedAt.push(performance.now() - started));
    socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
    slow.push(socket);
  }
  const drip = setInterval(() => {
    for (const s of slow) if (!s.destroyed) s.write('X-a: b\r\n');
  }, 1000);
  t.after(() => {
    clearInterval(drip);
    for (const s of slow) s.destroy();
  });
  const during: number[] = [];
  for (let i = 0; i < 20; i++) during.push(await scrapeMs(`${base}/metrics`));
  // The standalone server's header timeout (10 s, checked every second) closes them.
  while (closedAt.length < slow.length && performance.now() - started < 30_000) {
    await new Promise((r) => setTimeout(r, 250));
  }
  clearInterval(drip);
  t.diagnostic(
    `scrape p50 ${fmt(percentile(baseline, 0.5))} ms alone, ${fmt(percentile(during, 0.5))} ms with 200 slowloris sockets open (max ${fmt(Math.max(...during))} ms); all 200 closed by the server after ${fmt(Math.max(...closedAt) / 1000)} s`,
  );
  assert.equal(closedAt.length, slow.length, 'the server closes slowloris sockets');
  assert.ok(Math.max(...closedAt) < 20_000);
  assert.ok(percentile(during, 0.5) < percentile(baseline, 0.5) * 5 + 50, 'scrapes unaffected');
});

test('100 parallel scrapes: all answered, all complete', async (t) => {
  const { base } = await serve(t, '127.0.0.1');
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      const t0 = performance.now();
      const res = await httpGet(`${base}/metrics`, i % 2 ? { 'accept-encoding': 'gzip' } : {}, 30_000);
      return { res, ms: performance.now() - t0 };
    }),
  );
  const total = performance.now() - started;
  for (const { res } of results) assert.equal(res.status, 200);
  const plain = results.filter((_, i) => i % 2 === 0).map(({ res }) => res.body.toString());
  for (const body of plain) {
    assert.match(body, /^bytes_sent_total\{protocol="rtsp",stream_name="cam199"/m, 'a complete exposition');
  }
  const ms = results.map((r) => r.ms);
  t.diagnostic(
    `100 parallel scrapes (half gzip) in ${fmt(total)} ms; latency p50 ${fmt(percentile(ms, 0.5))} ms, p99 ${fmt(percentile(ms, 0.99))} ms`,
  );
});

test('auth on and off', async (t) => {
  const open = await serve(t, '127.0.0.1');
  const locked = await serve(t, '127.0.0.1', { auth: { bearerToken: 'tok' } });
  assert.equal((await httpGet(`${open.base}/metrics`)).status, 200);
  assert.equal((await httpGet(`${open.base}/metrics`, { authorization: 'Bearer anything' })).status, 200);
  const attempts = [
    '',
    'Bearer',
    'Bearer ',
    'Bearer tok2',
    'Basic dG9r',
    'tok',
    `Bearer ${'t'.repeat(60_000)}`,
  ];
  for (const authorization of attempts) {
    const res = await httpGet(`${locked.base}/metrics`, authorization ? { authorization } : {});
    assert.ok(res.status === 401 || res.status === 431, `${authorization.slice(0, 20)}: ${res.status}`);
    assert.equal(res.body.length, 0, 'nothing about the metrics leaks');
  }
  assert.equal((await httpGet(`${locked.base}/metrics`, { authorization: 'bearer tok' })).status, 200);
  assert.equal((await httpGet(`${locked.base}/healthz`)).status, 200, '/healthz stays open');
  t.diagnostic(
    `auth off: 200 with or without credentials; auth on: ${attempts.length} bad credentials → 401, none leaked a byte`,
  );
});

test('IPv6 and 0.0.0.0 binds', async (t) => {
  const v6 = await serve(t, '::1');
  assert.equal((await httpGet(`${v6.base}/metrics`)).status, 200);
  const any = await serve(t, '0.0.0.0');
  assert.equal((await httpGet(`http://127.0.0.1:${any.port}/metrics`)).status, 200);
  const def = new PrometheusBridge();
  const address = await def.listen({ port: 0 });
  t.after(() => def.shutdown());
  assert.equal(address.address, '127.0.0.1', 'localhost unless told otherwise');
  t.diagnostic('::1 serves over IPv6, 0.0.0.0 serves on 127.0.0.1, the default bind is 127.0.0.1');
});
