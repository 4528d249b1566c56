import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fluxInstruments, labelLimits, seriesRetention } from '@flux-metrics/core';
import { createHarness } from '../support/harness.ts';
import { parseExposition, valueOf } from '../support/exposition.ts';

test('cells of the same labels are shared, so a stream keeps its total while sessions end', async () => {
  const h = createHarness();
  try {
    const family = fluxInstruments(h.provider).get('bytes_sent_total');
    const a = family.cell({ protocol: 'rtsp', stream_name: 'shared' });
    const b = family.cell({ protocol: 'rtsp', stream_name: 'shared' });
    assert.equal(a, b);
    a.value += 100;
    family.release(a); // one session ends, the other still holds the stream
    b.value += 50;
    const e = parseExposition(await h.scrape());
    assert.equal(valueOf(e, 'bytes_sent_total', { stream_name: 'shared' }), 150);
  } finally {
    await h.shutdown();
  }
});

test('released series stay for the retention time, then disappear; memory stays flat under churn', async () => {
  const h = createHarness();
  const saved = { ...seriesRetention };
  try {
    const family = fluxInstruments(h.provider).get('packets_sent_total');
    seriesRetention.counterMs = 60_000;
    const gone = family.cell({ protocol: 'rtsp', stream_name: 'gone' });
    gone.value = 7;
    family.release(gone);
    let e = parseExposition(await h.scrape());
    assert.equal(valueOf(e, 'packets_sent_total', { stream_name: 'gone' }), 7, 'kept within retention');
    seriesRetention.counterMs = 0;
    e = parseExposition(await h.scrape());
    assert.equal(
      e.samples.filter((s) => s.labels.stream_name === 'gone').length,
      0,
      'dropped after retention',
    );

    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 100; i++) {
        const c = family.cell({ protocol: 'rtsp', stream_name: `churn-${round}-${i}` });
        c.value += 1;
        family.release(c);
      }
      await h.scrape();
    }
    assert.equal(family.size, 0, 'no series of gone streams left');
    assert.ok(labelLimits.streamNames.size < 100, 'gone stream names are forgotten by the name bound');
  } finally {
    Object.assign(seriesRetention, saved);
    await h.shutdown();
  }
});

test('gauge cells disappear at the next collection after release', async () => {
  const h = createHarness();
  try {
    const family = fluxInstruments(h.provider).get('srt_rtt_seconds');
    const cell = family.cell({ stream_name: 'g' });
    cell.value = 0.02;
    assert.equal(valueOf(parseExposition(await h.scrape()), 'srt_rtt_seconds', { stream_name: 'g' }), 0.02);
    family.release(cell);
    const e = parseExposition(await h.scrape());
    assert.equal(e.samples.filter((s) => s.name === 'srt_rtt_seconds').length, 0);
  } finally {
    await h.shutdown();
  }
});

test('two sources of the same series make one sample, never a duplicate that fails the scrape', async () => {
  const h = createHarness();
  try {
    const family = fluxInstruments(h.provider).get('disk_free_bytes');
    const stops = [
      family.produce((observe) => observe(1, { path: '/data' })),
      family.produce((observe) => observe(2, { path: '/data' })),
    ];
    const text = await h.scrape();
    const samples = parseExposition(text).samples.filter((s) => s.name === 'disk_free_bytes');
    assert.equal(samples.length, 1);
    assert.equal(samples[0]!.value, 1);
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stdout + lint.stderr);
    stops.forEach((stop) => stop());
  } finally {
    await h.shutdown();
  }
});
