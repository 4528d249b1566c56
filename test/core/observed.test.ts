import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fluxInstruments, labelLimits, OVERFLOW_VALUE, seriesRetention } from '@flux-metrics/core';
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

test('a stream name stays in the name bound while any family still has a series of it', async () => {
  const h = createHarness();
  const saved = { retention: seriesRetention.counterMs, limit: labelLimits.streamNames.limit };
  try {
    const instruments = fluxInstruments(h.provider);
    const bytes = instruments.get('bytes_sent_total');
    const stream = { protocol: 'rtsp', stream_name: 'still-live' };
    const session = bytes.cell(stream); // the stream is live
    session.value += 10;
    // One session of it stopped: a one-off count that expires after the retention time.
    instruments.get('stream_stopped_total').add({ ...stream, reason: 'teardown' }, 1);
    seriesRetention.counterMs = 0;
    await h.scrape(); // the stopped series expires; the stream's bytes series does not
    labelLimits.streamNames.limit = labelLimits.streamNames.size + 1;
    const newcomer = bytes.cell({ protocol: 'rtsp', stream_name: 'newcomer' }); // takes the last free name

    const next = bytes.cell(stream); // the live stream's next session
    assert.equal(next.attributes.stream_name, 'still-live', 'a live stream was relabelled');
    next.value += 5;
    const e = parseExposition(await h.scrape());
    assert.equal(valueOf(e, 'bytes_sent_total', { stream_name: 'still-live' }), 15);
    assert.equal(
      e.samples.filter((s) => s.labels.stream_name === OVERFLOW_VALUE).length,
      0,
      'no overflow series',
    );
    bytes.release(session);
    bytes.release(next);
    await h.scrape(); // every series of the stream is gone now: its name leaves the bound
    const again = bytes.cell(stream);
    assert.equal(again.attributes.stream_name, 'still-live');
    const extra = bytes.cell({ protocol: 'rtsp', stream_name: 'one-too-many' });
    assert.equal(extra.attributes.stream_name, OVERFLOW_VALUE, 'the bound still holds');
    for (const cell of [again, extra, newcomer]) bytes.release(cell);
  } finally {
    seriesRetention.counterMs = saved.retention;
    labelLimits.streamNames.limit = saved.limit;
    await h.shutdown();
  }
});

test('a series created again after it was dropped gets its own start time: a valid cumulative reset', async () => {
  const h = createHarness();
  const saved = seriesRetention.counterMs;
  const points = async () => {
    const { resourceMetrics } = await h.exporter.collect();
    return resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .filter((m) => m.descriptor.name === 'packets_sent_total')
      .flatMap((m) => m.dataPoints)
      .filter((p) => p.attributes.stream_name === 'reborn')
      .map((p) => ({ start: hrMs(p.startTime), end: hrMs(p.endTime), value: p.value as number }));
  };
  try {
    const family = fluxInstruments(h.provider).get('packets_sent_total');
    const labels = { protocol: 'rtsp', stream_name: 'reborn' };
    const first = family.cell(labels);
    first.value = 100;
    family.release(first);
    seriesRetention.counterMs = 0;
    const [before] = await points(); // read once after the release: its final value
    assert.equal(before?.value, 100);
    assert.deepEqual(await points(), [], 'dropped');

    waitForClockPast(before.end);
    const second = family.cell(labels);
    second.value = 3;
    const [after] = await points();
    assert.equal(after?.value, 3, 'counts from 0 again');
    assert.ok(
      after.start > before.end,
      `start ${after.start} must follow the old series' last point ${before.end}`,
    );
    assert.ok(after.start <= after.end);
    family.release(second);
  } finally {
    seriesRetention.counterMs = saved;
    await h.shutdown();
  }
});

const hrMs = ([s, ns]: [number, number]) => s * 1000 + ns / 1e6;

/** Waits (without timers) until the wall clock is past `ms`, so two events get distinct timestamps. */
function waitForClockPast(ms: number): void {
  while (Date.now() <= ms);
}
