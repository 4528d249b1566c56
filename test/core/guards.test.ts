import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fluxInstruments,
  labelLimits,
  OVERFLOW_VALUE,
  RouteTable,
  sanitizeLabelValue,
} from '@flux-metrics/core';
import { spawnSync } from 'node:child_process';
import { createHarness } from '../support/harness.ts';
import { parseExposition, valueOf } from '../support/exposition.ts';

test('hostile stream names cannot break the exposition format', async () => {
  const h = createHarness();
  try {
    const family = fluxInstruments(h.provider).get('bytes_received_total');
    const hostile = [
      'cam"1} 9\nfake_metric 1',
      'a\\b',
      '\u0000\u0007\r\n',
      '摄像头/一',
      '\ud800lone-surrogate',
      'x'.repeat(1_000_000),
      '',
    ];
    for (const name of hostile) family.cell({ protocol: 'rtsp', stream_name: name }).value += 1;
    const text = await h.scrape();
    assert.ok(!text.includes('fake_metric 1\n'), 'injected a line');
    assert.ok(text.length < 100_000, 'a huge name made a huge scrape');
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stdout + lint.stderr);
    const names = parseExposition(text)
      .samples.filter((s) => s.name === 'bytes_received_total')
      .map((s) => s.labels.stream_name!);
    for (const n of names) assert.match(n, /^[A-Za-z0-9._~:/@+-]{1,128}$/);
  } finally {
    await h.shutdown();
  }
});

test('sanitizeLabelValue keeps safe names and refuses non-values', () => {
  assert.equal(sanitizeLabelValue('live/cam-1.main'), 'live/cam-1.main');
  assert.equal(sanitizeLabelValue(42), '42');
  assert.equal(sanitizeLabelValue(undefined), undefined);
  assert.equal(sanitizeLabelValue({}), undefined);
  assert.equal(sanitizeLabelValue(NaN), undefined);
});

test('distinct stream names are bounded; past the limit they share one overflow series and are counted', async () => {
  const h = createHarness();
  const saved = labelLimits.streamNames.limit;
  try {
    labelLimits.streamNames.limit = labelLimits.streamNames.size + 5;
    const family = fluxInstruments(h.provider).get('packets_received_total');
    for (let i = 0; i < 50; i++) family.cell({ protocol: 'srt', stream_name: `bounded-${i}` }).value += 1;
    const e = parseExposition(await h.scrape());
    const series = e.samples.filter((s) => s.name === 'packets_received_total');
    assert.equal(series.length, 6);
    assert.equal(valueOf(e, 'packets_received_total', { stream_name: OVERFLOW_VALUE }), 45);
    assert.equal(
      valueOf(e, 'flux_metrics_label_overflow_total', {
        metric: 'packets_received_total',
        label: 'stream_name',
      }),
      45,
    );
  } finally {
    labelLimits.streamNames.limit = saved;
    await h.shutdown();
  }
});

/** Time per call of `op` over 20,000 calls, in ns. */
// What an overflow costs next to a known name is measured by `npm run bench -- core` (no timing asserted here).
test('every label overflow is counted, each one exactly once, at the next collection', async () => {
  const h = createHarness();
  const saved = labelLimits.streamNames.limit;
  try {
    const family = fluxInstruments(h.provider).get('bytes_received_total');
    labelLimits.streamNames.limit = 0;
    let n = 0;
    for (; n < 5_000; n++) family.release(family.cell({ protocol: 'srt', stream_name: `new-${n}` }));
    const counted = { metric: 'bytes_received_total', label: 'stream_name' };
    const first = parseExposition(await h.scrape());
    assert.equal(valueOf(first, 'flux_metrics_label_overflow_total', counted), n, 'every overflow counted');
    const second = parseExposition(await h.scrape());
    assert.equal(valueOf(second, 'flux_metrics_label_overflow_total', counted), n, 'and not again');
  } finally {
    labelLimits.streamNames.limit = saved;
    await h.shutdown();
  }
});

test('self-metrics take only catalog names: filling them by hand cannot hide real counts', async () => {
  const h = createHarness();
  try {
    const i = fluxInstruments(h.provider);
    const invalid = i.get('flux_metrics_invalid_measurements_total');
    const overflow = i.get('flux_metrics_label_overflow_total');
    for (let n = 0; n < 300; n++) {
      for (const reason of ['nan', 'infinite'] as const) invalid.add({ metric: `made-up-${n}`, reason }, 1);
      overflow.add({ metric: `made-up-${n}`, label: `label-${n}` }, 1);
    }
    const requests = i.get('http_requests_total');
    requests.record(NaN, { method: 'GET', path: '/', status: 200 });
    requests.record(1, { method: 'BREW', path: '/', status: 200 });
    const e = parseExposition(await h.scrape());
    const invalidOf = (metric: string, reason: string) =>
      valueOf(e, 'flux_metrics_invalid_measurements_total', { metric, reason });
    const overflowOf = (metric: string, label: string) =>
      valueOf(e, 'flux_metrics_label_overflow_total', { metric, label });
    assert.equal(invalidOf('http_requests_total', 'nan'), 1, 'a real invalid value under its own metric');
    assert.equal(overflowOf('http_requests_total', 'method'), 1, 'a real overflow under its own metric');
    assert.equal(invalidOf('other', 'nan'), 300, 'names that are not in the catalog share one value');
    assert.equal(overflowOf('other', 'other'), 300);
    assert.equal(overflowOf('flux_metrics_invalid_measurements_total', 'metric'), 600, 'and are counted');
    const values = new Set(
      e.samples.filter((s) => s.name.startsWith('flux_metrics_')).map((s) => s.labels.metric),
    );
    assert.ok(values.size < 10, `${values.size} metric values in the self-metrics`);
  } finally {
    await h.shutdown();
  }
});

test('invalid values are dropped and counted, never thrown', async () => {
  const h = createHarness();
  try {
    const i = fluxInstruments(h.provider);
    const requests = i.get('http_requests_total');
    const labels = { method: 'GET', path: '/', status: 200 };
    assert.doesNotThrow(() => {
      requests.record(NaN, labels);
      requests.record(-1, labels);
      requests.record(Infinity, labels);
      requests.record('3' as unknown as number, labels);
      requests.record(undefined as unknown as number, labels);
      requests.record(1, null as never);
      requests.record(1, undefined as never);
      i.get('active_connections').record(-1, { protocol: 'rtsp' }); // allowed: up-down counter
      i.get('packets_sent_total').cell({ protocol: 'rtsp', stream_name: 'x' }).value = NaN;
    });
    const e = parseExposition(await h.scrape());
    const invalid = (metric: string, reason: string) =>
      valueOf(e, 'flux_metrics_invalid_measurements_total', { metric, reason });
    assert.equal(invalid('http_requests_total', 'nan'), 1);
    assert.equal(invalid('http_requests_total', 'negative'), 1);
    assert.equal(invalid('http_requests_total', 'infinite'), 1);
    assert.equal(invalid('http_requests_total', 'not_a_number'), 2);
    assert.equal(invalid('packets_sent_total', 'nan'), 1);
    assert.equal(valueOf(e, 'active_connections', { protocol: 'rtsp' }), -1);
    // Missing labels fall back to bounded values instead of failing.
    assert.equal(valueOf(e, 'http_requests_total', { method: '_OTHER', status: 'invalid' }), 2);
    assert.equal(valueOf(e, 'http_requests_total', { method: 'GET', status: '200' }), 0);
  } finally {
    await h.shutdown();
  }
});

test('observed families check values like record(): a bad value is counted, never added or thrown', async () => {
  const h = createHarness();
  try {
    const bytes = fluxInstruments(h.provider).get('bytes_sent_total');
    const labels = { protocol: 'rtsp', stream_name: 'checked' };
    const held = bytes.cell(labels);
    const bad = ['12', NaN, -1, Infinity, 10n, undefined, {}] as unknown as number[];
    assert.doesNotThrow(() => {
      for (const value of bad) bytes.add(labels, value);
      for (const value of bad) assert.equal(bytes.addTo(held, value), false);
    });
    bytes.add(labels, 5);
    assert.equal(bytes.addTo(held, 7), true);
    assert.equal(held.value, 12, 'only the valid values were added');
    const e = parseExposition(await h.scrape());
    assert.equal(valueOf(e, 'bytes_sent_total', { stream_name: 'checked' }), 12);
    const invalid = (reason: string) =>
      valueOf(e, 'flux_metrics_invalid_measurements_total', { metric: 'bytes_sent_total', reason });
    assert.equal(invalid('not_a_number'), 8, "'12', 10n, undefined and {}, by add and by addTo");
    assert.equal(invalid('nan'), 2);
    assert.equal(invalid('negative'), 2);
    assert.equal(invalid('infinite'), 2);
  } finally {
    await h.shutdown();
  }
});

test('labels whose getter throws take the fallback and are counted, never thrown', async () => {
  const h = createHarness();
  try {
    const i = fluxInstruments(h.provider);
    const throwingAt = (name: string, labels: object) =>
      Object.defineProperty(labels, name, {
        get() {
          throw new Error('getter throws');
        },
        enumerable: true,
      });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const bytes = i.get('bytes_sent_total');
    const errors = i.get('errors_total');
    assert.doesNotThrow(() => {
      bytes.add(throwingAt('stream_name', { protocol: 'rtsp' }) as never, 3);
      bytes.release(bytes.cell(revoked.proxy as never));
      errors.bind(revoked.proxy as never).record(1);
      errors.record(1, throwingAt('type', { component: 'app' }) as never);
    });
    const e = parseExposition(await h.scrape());
    assert.equal(valueOf(e, 'bytes_sent_total', { protocol: 'rtsp', stream_name: OVERFLOW_VALUE }), 3);
    assert.equal(valueOf(e, 'errors_total', { type: 'other', component: 'other' }), 1);
    assert.equal(valueOf(e, 'errors_total', { type: 'other', component: 'app' }), 1);
    const overflow = (metric: string, label: string) =>
      valueOf(e, 'flux_metrics_label_overflow_total', { metric, label });
    assert.equal(overflow('bytes_sent_total', 'stream_name'), 2);
    assert.equal(overflow('errors_total', 'type'), 2);
  } finally {
    await h.shutdown();
  }
});

test('enum labels take only their vocabulary', async () => {
  const h = createHarness();
  try {
    const errors = fluxInstruments(h.provider).get('errors_total');
    errors.record(1, { type: 'enospc', component: 'storage' });
    errors.record(1, { type: 'made-up', component: 'storage' });
    errors.record(1, { type: 'timeout', component: '<script>' });
    const e = parseExposition(await h.scrape());
    assert.equal(valueOf(e, 'errors_total', { type: 'ENOSPC', component: 'storage' }), 1);
    assert.equal(valueOf(e, 'errors_total', { type: 'other', component: 'storage' }), 1);
    assert.equal(valueOf(e, 'errors_total', { type: 'timeout', component: 'other' }), 1);
  } finally {
    await h.shutdown();
  }
});

test('route templates bound the HTTP path label', () => {
  const table = new RouteTable(['/streams/:name', '/static/*', '/healthz']);
  assert.equal(table.match('/streams/cam1'), '/streams/:name');
  assert.equal(table.match('/streams/cam1?x=1'), '/streams/:name');
  assert.equal(table.match('/static/a/b/c.js'), '/static/*');
  assert.equal(table.match('/healthz'), '/healthz');
  assert.equal(table.match('/streams'), '_unmatched');
  assert.equal(table.match('/streams/a/b'), '_unmatched');
});
