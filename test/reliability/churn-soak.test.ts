import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seriesRetention } from '@flux-metrics/core';
import { countSamples } from '@flux-metrics/prometheus';
import { createRtspMetrics } from '@flux-metrics/rtsp';
import { createHarness } from '../support/harness.ts';
import { parseExposition, type Exposition } from '../support/exposition.ts';
import { fmt, heapMiB, sizeFromEnv } from './measure.ts';

const SESSIONS = sizeFromEnv('FLUX_RELIABILITY_SESSIONS', 100_000);
const SCRAPE_EVERY = 5_000;
/** Distinct stream names per wave; each wave's names are new, the old ones go stale (plus 100 that stay). */
const NAMES_PER_WAVE = 500;

/** Every counter sample (and histogram _count/_sum/_bucket) by name and labels. */
function counters(e: Exposition): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of e.samples) {
    const family = e.types.has(s.name) ? s.name : s.name.replace(/_(bucket|count|sum)$/, '');
    const type = e.types.get(family);
    if (type !== 'counter' && type !== 'histogram') continue;
    if (s.name.endsWith('_sum') && type === 'histogram') continue; // a sum of negative values may fall
    out.set(`${s.name}${JSON.stringify(s.labels)}`, s.value);
  }
  return out;
}

test('churn soak: sessions opened and closed, counters never decrease, stale series go, heap flat', async (t) => {
  const harness = createHarness();
  const retention = seriesRetention.counterMs;
  seriesRetention.counterMs = 300; // stale series must go within a scrape or two, not 5 minutes
  t.after(async () => {
    seriesRetention.counterMs = retention;
    await harness.shutdown();
  });
  const rtsp = createRtspMetrics({ meterProvider: harness.provider });
  const steady = rtsp.connectionOpened().session({ streamName: 'steady', mode: 'record' });
  steady.start();

  let previous = counters(parseExposition(await harness.scrape()));
  let decreases = 0;
  let comparisons = 0;
  let maxSeries = 0;
  const heap: number[] = [];
  const started = performance.now();
  for (let i = 0; i < SESSIONS; i++) {
    const wave = Math.floor(i / SCRAPE_EVERY);
    const connection = rtsp.connectionOpened();
    const request = connection.request('SETUP');
    request.respond(200);
    // Half the sessions go to streams that live through the whole soak, half to this wave's new names.
    const name = i % 2 === 0 ? `always-cam${i % 200}` : `w${wave}-cam${i % NAMES_PER_WAVE}`;
    const session = connection.session({ streamName: name });
    session.start('play');
    session.rtpSent(1200);
    session.rtcpReceived(Buffer.alloc(8));
    steady.rtpReceived(1200);
    session.end(i % 7 === 0 ? 'timeout' : 'teardown');
    connection.close();
    if ((i + 1) % SCRAPE_EVERY !== 0) continue;
    const text = await harness.scrape();
    maxSeries = Math.max(maxSeries, countSamples(text));
    const current = counters(parseExposition(text));
    for (const [key, value] of current) {
      const before = previous.get(key);
      if (before === undefined) continue;
      comparisons++;
      if (value < before) decreases++;
    }
    previous = current;
    if (i + 1 === SESSIONS / 5 || i + 1 === SESSIONS) heap.push(heapMiB());
    await new Promise((r) => setTimeout(r, 20)); // let the previous wave's series reach their retention
  }
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, seriesRetention.counterMs + 50));
  const final = parseExposition(await harness.scrape());
  const streams = new Set(final.samples.map((s) => s.labels.stream_name).filter((n) => n !== undefined));
  const [h20, h100] = heap as [number, number];

  t.diagnostic(
    `${SESSIONS.toLocaleString('en')} sessions in ${fmt(seconds)} s; ${SESSIONS / SCRAPE_EVERY} scrapes, ${comparisons.toLocaleString('en')} counter comparisons, ${decreases} decreases; at most ${maxSeries} series in a scrape`,
  );
  t.diagnostic(`stream names left after the last retention: ${[...streams].join(', ')}`);
  t.diagnostic(
    `heap after ${(SESSIONS / 5).toLocaleString('en')} sessions ${fmt(h20)} MiB, after ${SESSIONS.toLocaleString('en')} ${fmt(h100)} MiB`,
  );

  assert.equal(decreases, 0, 'a counter went down between two scrapes');
  assert.ok(comparisons > 10_000, `only ${comparisons} comparisons`);
  assert.deepEqual([...streams], ['steady'], 'only the live stream is left');
  assert.ok(
    maxSeries < 100 + 12 * (100 + 2 * NAMES_PER_WAVE),
    `${maxSeries} series: stale waves are evicted`,
  );
  assert.ok(h100 - h20 < 4, `heap grew ${fmt(h100 - h20)} MiB`);
});
