import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { CATALOG, fluxInstruments, type MetricName } from '@flux-metrics/core';
import { catalogViews, observedSeriesProducer } from '@flux-metrics/node';
import { PrometheusBridge, type ExpositionOptions } from '@flux-metrics/prometheus';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { recordEveryMetric, sampleLabels } from '../support/sample-all.ts';
import { toolPath } from '../support/tools.ts';

/** Stream names a client controls: quotes, backslashes, newlines, non-ASCII, overlong, empty. */
const HOSTILE = ['a"b', 'c\\d', 'e\nf', 'caméra-1', 'x'.repeat(300), '', '}{=,'];

/**
 * One provider read by the bridge (observed families written from cells) and by the stock OTel exporter
 * with the observed-series producer and the OTel serializer (what the bridge used to serve).
 */
function twoReaders(options: ExpositionOptions) {
  const ref: { provider?: MeterProvider } = {};
  const bridge = new PrometheusBridge({ ...options, meterProvider: () => ref.provider });
  const stock = new PrometheusExporter({
    preventServerStart: true,
    metricProducers: [observedSeriesProducer(() => ref.provider)],
  });
  const provider = new MeterProvider({
    // Resource attributes needing every escape, copied onto samples by withResourceConstantLabels.
    resource: resourceFromAttributes({ 'service.name': 'svc "q" \\ \n ü', 'service.version': 7 }),
    readers: [bridge.reader, stock],
    views: catalogViews(),
  });
  ref.provider = provider;
  const serializer = new PrometheusSerializer(
    '',
    false,
    options.withResourceConstantLabels,
    options.withoutTargetInfo,
    options.withoutScopeInfo,
  );
  const stockText = async () => serializer.serialize((await stock.collect()).resourceMetrics);
  return { bridge, provider, stockText };
}

function populate(provider: MeterProvider): void {
  recordEveryMetric(provider);
  const instruments = fluxInstruments(provider);
  for (const def of CATALOG) {
    if (!def.kind.startsWith('observable') || !('stream_name' in def.labels)) continue;
    const family = instruments.get(def.name as MetricName) as { cell(l: never): { value: number } };
    HOSTILE.forEach((name, i) => {
      family.cell({ ...sampleLabels(def), stream_name: name } as never).value = [0.1, 1e21, 3, 2.5e-7][
        i % 4
      ]!;
    });
  }
}

for (const options of [
  {},
  { withoutScopeInfo: true, withResourceConstantLabels: /service/ },
  { withoutTargetInfo: true, withResourceConstantLabels: /./ },
] satisfies ExpositionOptions[]) {
  test(`the bridge writes byte for byte what the OTel serializer writes (${JSON.stringify(String(Object.entries(options)))})`, async () => {
    const { bridge, provider, stockText } = twoReaders(options);
    try {
      populate(provider);
      await bridge.scrape(); // creates the scrape's self-metrics, so both readers see the same families
      const expected = await stockText();
      const { text, series } = await bridge.scrape();
      assert.equal(text, expected);
      assert.ok(series > CATALOG.length, `${series} samples`);
      assert.match(text, /stream_name="a_b"/, 'hostile names reach the text as the guard left them');
    } finally {
      await provider.shutdown();
    }
  });
}

test('the streamed body (plain and gzip) is the rendered text and passes promtool check metrics', async () => {
  const { bridge, provider } = twoReaders({ withResourceConstantLabels: /service/ });
  try {
    populate(provider);
    const { port } = await bridge.listen({ port: 0 });
    const get = (gzip: boolean) =>
      new Promise<{ body: Buffer; headers: Record<string, unknown> }>((resolve, reject) => {
        const headers = gzip ? { 'accept-encoding': 'gzip' } : {};
        request({ host: '127.0.0.1', port, path: '/metrics', headers }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve({ body: Buffer.concat(parts), headers: res.headers }));
          res.on('error', reject);
        })
          .on('error', reject)
          .end();
      });
    const plain = await get(false);
    const zipped = await get(true);
    assert.equal(plain.headers['transfer-encoding'], 'chunked');
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    const text = plain.body.toString('utf8');
    // Values of the scrape's own self-metrics move between scrapes; everything else is the same.
    const stable = (t: string) => t.replace(/^flux_metrics_(scrape_duration|series).*$/gm, '');
    assert.equal(stable(gunzipSync(zipped.body).toString('utf8')), stable(text));
    assert.equal(stable((await bridge.scrape()).text), stable(text));
    const promtool = spawnSync(toolPath('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(promtool.error, undefined);
    assert.equal(promtool.status, 0, `promtool: ${promtool.stdout}${promtool.stderr}`);
  } finally {
    await bridge.shutdown();
    await provider.shutdown();
  }
});
