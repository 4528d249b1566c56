import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fluxInstruments, labelLimits, OVERFLOW_VALUE } from '@flux-metrics/core';
import { countSamples } from '@flux-metrics/prometheus';
import { instrumentRtspServer } from '@flux-metrics/rtsp';
import { createHarness } from '../support/harness.ts';
import { parseExposition, valueOf } from '../support/exposition.ts';
import { fmt, heapMiB, percentile, sizeFromEnv } from './measure.ts';
import { RtspClient, startRtspResponder } from './rtsp-responder.ts';

/** Names through the API (cells of bytes_received_total). */
const API_NAMES = sizeFromEnv('FLUX_RELIABILITY_API_NAMES', 1_000_000);
/**
 * Names through the RTSP entry point (a SETUP and a TEARDOWN each, over TCP). ~6,000 sessions/s on the
 * 2-core CI machine, so the suite sends 100,000; FLUX_RELIABILITY_RTSP_NAMES=1000000 runs the full million.
 */
const RTSP_NAMES = sizeFromEnv('FLUX_RELIABILITY_RTSP_NAMES', 100_000);
const BATCH = 2_000;

/** Median cost of recording on one known stream, in nanoseconds per call. */
function recordCost(record: () => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 100_000; i++) record();
    rounds.push(Number(process.hrtime.bigint() - started) / 100_000);
  }
  return percentile(rounds, 0.5);
}

test('cardinality bomb: distinct stream names through the API and the RTSP entry point', async (t) => {
  const harness = createHarness();
  const { server, port } = await startRtspResponder();
  const rtsp = instrumentRtspServer(server, { meterProvider: harness.provider });
  const client = await RtspClient.connect(port);
  const bomber = await RtspClient.connect(port);
  t.after(async () => {
    bomber.socket.destroy();
    client.socket.destroy();
    rtsp.stop();
    server.close();
    await harness.shutdown();
  });
  const received = fluxInstruments(harness.provider).get('bytes_received_total');
  const live = received.cell({ protocol: 'rtsp', stream_name: 'live-cam' });
  const pings = async () => {
    const times: number[] = [];
    for (let i = 0; i < 200; i++) times.push(await client.ping());
    return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
  };
  await pings(); // warm-up
  const seriesBefore = countSamples(await harness.scrape());
  const heap = [heapMiB()];
  recordCost(() => (live.value += 1000)); // warm-up (JIT)
  const costBefore = recordCost(() => (live.value += 1000));
  const pingBefore = await pings();

  const apiStarted = performance.now();
  for (let i = 0; i < API_NAMES; i++) {
    const cell = received.cell({ protocol: 'srt', stream_name: `api-bomb-${i}` });
    cell.value += 188;
    received.release(cell);
    if (i + 1 === API_NAMES / 10) heap.push(heapMiB()); // the bound is full long before this
  }
  const apiSeconds = (performance.now() - apiStarted) / 1000;
  heap.push(heapMiB());

  const rtspStarted = performance.now();
  for (let i = 0; i < RTSP_NAMES; i += BATCH) {
    const paths = Array.from({ length: Math.min(BATCH, RTSP_NAMES - i) }, (_, j) => `rtsp-bomb-${i + j}`);
    await bomber.sessions(port, paths);
    if (i + BATCH === RTSP_NAMES / 5) heap.push(heapMiB());
  }
  const rtspSeconds = (performance.now() - rtspStarted) / 1000;
  heap.push(heapMiB());

  const scrapeStarted = performance.now();
  const text = await harness.scrape();
  const scrapeMs = performance.now() - scrapeStarted;
  const liveTotal = live.value;
  const costAfter = recordCost(() => (live.value += 1000));
  const pingAfter = await pings();

  const e = parseExposition(text);
  const names = new Set(e.samples.map((s) => s.labels.stream_name).filter((n) => n !== undefined));
  const overflowed = (metric: string) =>
    valueOf(e, 'flux_metrics_label_overflow_total', { metric, label: 'stream_name' }) ?? 0;
  const [h0, h10, hApi, h20, hRtsp] = heap as [number, number, number, number, number];
  const en = (n: number) => n.toLocaleString('en');

  t.diagnostic(
    `API: ${en(API_NAMES)} names in ${fmt(apiSeconds)} s (${fmt((apiSeconds / API_NAMES) * 1e6)} µs/name); RTSP entry point: ${en(RTSP_NAMES)} names (SETUP+TEARDOWN) in ${fmt(rtspSeconds)} s (${en(Math.round(RTSP_NAMES / rtspSeconds))} sessions/s)`,
  );
  t.diagnostic(
    `series: ${seriesBefore} before, ${countSamples(text)} after; stream_name values exported: ${names.size} (bound ${en(labelLimits.streamNames.limit)} + ${OVERFLOW_VALUE}); scrape ${fmt(scrapeMs)} ms`,
  );
  t.diagnostic(
    `heap: ${fmt(h0)} MiB before, ${fmt(h10)} after ${en(API_NAMES / 10)} API names, ${fmt(hApi)} after ${en(API_NAMES)}; ${fmt(h20)} after ${en(RTSP_NAMES / 5)} RTSP names, ${fmt(hRtsp)} after ${en(RTSP_NAMES)}`,
  );
  t.diagnostic(
    `overflow counted: bytes_received_total ${en(overflowed('bytes_received_total'))}, stream_started_total ${en(overflowed('stream_started_total'))}; bytes on ${OVERFLOW_VALUE}: ${en(valueOf(e, 'bytes_received_total', { protocol: 'srt', stream_name: OVERFLOW_VALUE }) ?? 0)}`,
  );
  t.diagnostic(
    `app: record on a live stream ${fmt(costBefore)} → ${fmt(costAfter)} ns; RTSP OPTIONS round trip p50 ${fmt(pingBefore.p50, 2)} → ${fmt(pingAfter.p50, 2)} ms, p99 ${fmt(pingBefore.p99, 2)} → ${fmt(pingAfter.p99, 2)} ms`,
  );

  assert.ok(names.size <= labelLimits.streamNames.limit + 1, `${names.size} stream names exported`);
  assert.ok(names.has(OVERFLOW_VALUE) && names.has('live-cam'));
  assert.ok(hApi - h10 < 2, `heap grew ${hApi - h10} MiB after the bound was full: it must stay flat`);
  // Sessions set up and torn down on one long-lived connection must not accumulate (2 MiB: GC noise).
  assert.ok(hRtsp - h20 < 2, `heap grew ${fmt(hRtsp - h20)} MiB over the last RTSP names`);
  assert.ok(overflowed('bytes_received_total') >= API_NAMES - labelLimits.streamNames.limit);
  assert.ok(overflowed('stream_started_total') > 0, 'RTSP names past the bound are counted as overflow');
  assert.equal(
    valueOf(e, 'bytes_received_total', { protocol: 'srt', stream_name: OVERFLOW_VALUE }),
    188 * (API_NAMES - countApiNames(e)),
    'no byte lost: the bytes of names past the bound add up on _overflow',
  );
  assert.equal(valueOf(e, 'bytes_received_total', { protocol: 'rtsp', stream_name: 'live-cam' }), liveTotal);
  assert.ok(costAfter < costBefore * 3 + 50, `record cost ${costBefore} → ${costAfter} ns`);
  assert.ok(pingAfter.p50 < pingBefore.p50 * 3 + 1, 'RTSP latency of a normal client unaffected');
  assert.ok(scrapeMs < 2000, `scrape after the bomb took ${scrapeMs} ms`);
});

/** API names that were admitted (have their own series). */
function countApiNames(e: ReturnType<typeof parseExposition>): number {
  return e.samples.filter(
    (s) => s.name === 'bytes_received_total' && s.labels.stream_name?.startsWith('api-bomb-'),
  ).length;
}
