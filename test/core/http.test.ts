import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { instrumentHttpServer } from '@flux-metrics/core';
import { createHarness } from '../support/harness.ts';
import { parseExposition, valueOf } from '../support/exposition.ts';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('node:http requests are counted by method, route template and status, with durations', async () => {
  const h = createHarness();
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/streams/')) {
      setTimeout(() => res.end('ok'), 20);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  instrumentHttpServer(server, { routes: ['/streams/:name'], meterProvider: h.provider });
  const base = await listen(server);
  try {
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${base}/streams/cam${i}`)).status, 200);
    // 300 distinct unknown URLs must collapse into one path value.
    for (let i = 0; i < 300; i++) await (await fetch(`${base}/probe/${i}`, { method: 'POST' })).arrayBuffer();
    const e = parseExposition(await h.scrape());
    assert.equal(
      valueOf(e, 'http_requests_total', { method: 'GET', path: '/streams/:name', status: '200' }),
      5,
    );
    assert.equal(
      valueOf(e, 'http_requests_total', { method: 'POST', path: '_unmatched', status: '404' }),
      300,
    );
    const paths = new Set(
      e.samples.filter((s) => s.name === 'http_requests_total').map((s) => s.labels.path),
    );
    assert.deepEqual([...paths].sort(), ['/streams/:name', '_unmatched']);
    const count = valueOf(e, 'http_request_duration_seconds_count', {
      method: 'GET',
      path: '/streams/:name',
    });
    const fast = valueOf(e, 'http_request_duration_seconds_bucket', {
      method: 'GET',
      path: '/streams/:name',
      le: '0.01',
    });
    assert.equal(count, 5);
    assert.equal(fast, 0, 'each request took at least 20 ms');
  } finally {
    server.close();
    await h.shutdown();
  }
});

test('a client that aborts is counted as status 499 (client closed request) and a connection_reset error', async () => {
  const h = createHarness();
  const server = createServer(() => {
    /* never answers: res.statusCode keeps its default, 200 */
  });
  instrumentHttpServer(server, { meterProvider: h.provider });
  const base = await listen(server);
  try {
    const controller = new AbortController();
    const pending = fetch(`${base}/slow`, { signal: controller.signal }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await pending;
    await new Promise((r) => setTimeout(r, 100));
    const e = parseExposition(await h.scrape());
    assert.equal(valueOf(e, 'errors_total', { type: 'connection_reset', component: 'http' }), 1);
    assert.equal(valueOf(e, 'http_requests_total', { method: 'GET', path: '_unmatched' }), 1);
    assert.equal(
      valueOf(e, 'http_requests_total', { method: 'GET', path: '_unmatched', status: '499' }),
      1,
      'an unanswered request is not a success',
    );
  } finally {
    server.closeAllConnections();
    server.close();
    await h.shutdown();
  }
});
