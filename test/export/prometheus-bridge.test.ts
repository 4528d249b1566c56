import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { fluxInstruments } from '@flux-metrics/core';
import { bridgeWithProvider } from '../support/bridge.ts';
import { PrometheusBridge, ChunkedSerializer, CONTENT_TYPE, countSamples } from '@flux-metrics/prometheus';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { httpGet } from './http-get.ts';
import { recordEveryMetric } from '../support/sample-all.ts';

function setup(options: ConstructorParameters<typeof PrometheusBridge>[0] = {}) {
  const { bridge, provider } = bridgeWithProvider(options);
  const instruments = fluxInstruments(provider);
  instruments.get('errors_total').record(3, { type: 'timeout', component: 'rtsp' });
  instruments.get('bytes_sent_total').cell({ protocol: 'srt', stream_name: 'cam1' }).value = 1234;
  return { bridge, provider };
}

describe('PrometheusBridge standalone server', () => {
  const { bridge, provider } = setup();
  let base = '';
  before(async () => {
    const address = await bridge.listen({ port: 0 });
    assert.equal(address.address, '127.0.0.1', 'binds to localhost by default');
    base = `http://127.0.0.1:${address.port}`;
  });
  after(async () => {
    await bridge.shutdown();
    await provider.shutdown();
  });

  it('serves the exposition text with the 0.0.4 content type', async () => {
    const res = await httpGet(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], CONTENT_TYPE);
    assert.equal(res.headers['content-encoding'], undefined);
    const text = res.body.toString();
    assert.match(
      text,
      /^errors_total\{type="timeout",component="rtsp",otel_scope_name="flux-metrics".*\} 3$/m,
    );
    assert.match(text, /^bytes_sent_total\{protocol="srt",stream_name="cam1".*\} 1234$/m);
    assert.match(text, /^target_info\{/m);
  });

  it('gzips when the scraper accepts it, and not when q=0', async () => {
    const gz = await httpGet(`${base}/metrics`, { 'accept-encoding': 'gzip, deflate' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gz.headers.vary, 'Accept-Encoding');
    assert.match(gunzipSync(gz.body).toString(), /^bytes_sent_total\{/m);
    const refused = await httpGet(`${base}/metrics`, { 'accept-encoding': 'gzip;q=0, identity' });
    assert.equal(refused.headers['content-encoding'], undefined);
  });

  it('answers /healthz, 404 elsewhere, 405 for POST, and ignores query strings', async () => {
    assert.equal((await httpGet(`${base}/healthz`)).body.toString(), 'ok\n');
    assert.equal((await httpGet(`${base}/nope`)).status, 404);
    assert.equal((await httpGet(`${base}/metrics?x=1`)).status, 200);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    assert.equal(post.status, 405);
  });

  it('records its own scrape duration and series count', async () => {
    await httpGet(`${base}/metrics`);
    const text = (await httpGet(`${base}/metrics`)).body.toString();
    const count = /^flux_metrics_scrape_duration_seconds_count\{[^}]*\} (\d+)$/m.exec(text);
    assert.ok(count && Number(count[1]) >= 2, 'scrape duration histogram counts scrapes');
    const series = /^flux_metrics_series\{[^}]*\} (\d+)$/m.exec(text);
    assert.ok(series, 'flux_metrics_series is exported');
    assert.ok(Number(series[1]) > 5 && Number(series[1]) <= countSamples(text));
  });
});

describe('PrometheusBridge auth', () => {
  it('requires the bearer token on /metrics but not on /healthz', async () => {
    const { bridge, provider } = setup({ auth: { bearerToken: 's3cret' } });
    const { port } = await bridge.listen({ port: 0 });
    try {
      const url = `http://127.0.0.1:${port}`;
      const denied = await httpGet(`${url}/metrics`);
      assert.equal(denied.status, 401);
      assert.match(String(denied.headers['www-authenticate']), /^Bearer/);
      assert.equal((await httpGet(`${url}/metrics`, { authorization: 'Bearer wrong' })).status, 401);
      assert.equal((await httpGet(`${url}/metrics`, { authorization: 'Bearer s3cret' })).status, 200);
      assert.equal((await httpGet(`${url}/healthz`)).status, 200);
    } finally {
      await bridge.shutdown();
      await provider.shutdown();
    }
  });

  it('checks basic credentials', async () => {
    const { bridge, provider } = setup({ auth: { username: 'prom', password: 'pw' } });
    const { port } = await bridge.listen({ port: 0 });
    try {
      const url = `http://127.0.0.1:${port}/metrics`;
      const basic = (u: string, p: string) => ({
        authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
      });
      assert.equal((await httpGet(url, basic('prom', 'nope'))).status, 401);
      assert.equal((await httpGet(url, basic('prom', 'pw'))).status, 200);
    } finally {
      await bridge.shutdown();
      await provider.shutdown();
    }
  });
});

describe('PrometheusBridge mounted on an existing server', () => {
  it('serves its paths from a node:http server and leaves the rest to the app', async () => {
    const { bridge, provider } = setup({ metricsPath: '/internal/metrics' });
    const server: Server = createServer((req, res) => {
      if (bridge.handle(req, res)) return;
      res.writeHead(200).end('app');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const metrics = await httpGet(`http://127.0.0.1:${port}/internal/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(metrics.body.toString(), /^errors_total\{/m);
      assert.equal((await httpGet(`http://127.0.0.1:${port}/metrics`)).body.toString(), 'app');
    } finally {
      server.close();
      await provider.shutdown();
    }
  });

  it('works as connect-style middleware', async () => {
    const { bridge, provider } = setup();
    let passedOn = 0;
    const server = createServer((req, res) =>
      bridge.middleware(req, res, () => {
        passedOn++;
        res.end('next');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      assert.equal((await httpGet(`http://127.0.0.1:${port}/metrics`)).status, 200);
      assert.equal((await httpGet(`http://127.0.0.1:${port}/other`)).body.toString(), 'next');
      assert.equal(passedOn, 1);
    } finally {
      server.close();
      await provider.shutdown();
    }
  });
});

describe('countSamples', () => {
  it('counts sample lines, not comments or blank lines', () => {
    assert.equal(countSamples('# HELP a x\n# TYPE a counter\na_total 1\nb{x="1"} 2\n\n'), 2);
    assert.equal(countSamples(''), 0);
  });
});

describe('ChunkedSerializer', () => {
  it('writes exactly what the OTel serializer writes for the whole catalog', async () => {
    const { bridge, provider } = setup();
    recordEveryMetric(provider);
    // The SDK's own series (the observed families are written by the bridge, see direct-exposition.test.ts).
    const many = provider.getMeter('many').createCounter('many_series');
    for (let i = 0; i < 1000; i++) many.add(i, { stream_name: `cam-${i}` });
    try {
      const { resourceMetrics } = await bridge.reader.collect();
      const whole = new PrometheusSerializer().serialize(resourceMetrics);
      assert.equal(await new ChunkedSerializer().serialize(resourceMetrics), whole);
      assert.ok(countSamples(whole) > 800, 'slices of one family are exercised');
      const noTarget = new PrometheusSerializer('', false, undefined, true, true).serialize(resourceMetrics);
      const chunked = new ChunkedSerializer({ withoutTargetInfo: true, withoutScopeInfo: true });
      assert.equal(await chunked.serialize(resourceMetrics), noTarget);
    } finally {
      await provider.shutdown();
    }
  });
});
