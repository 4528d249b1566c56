import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fluxInstruments, labelLimits, seriesRetention } from '@flux-metrics/core';
import { createRtspMetrics, type RtspConnectionObserver } from '@flux-metrics/rtsp';
import { createHarness } from '../support/harness.ts';
import { parseExposition, valueOf } from '../support/exposition.ts';
import { sleep } from './wait.ts';
import { gc } from '../support/gc.ts';

test('stream counters keep the totals of closed sessions and never decrease', async (t) => {
  const harness = createHarness();
  t.after(() => harness.shutdown());
  const rtsp = createRtspMetrics({ meterProvider: harness.provider });
  const connection = rtsp.connectionOpened();
  const keep = { protocol: 'rtsp', stream_name: 'keep' };
  const publisher = connection.session({ streamName: 'keep', mode: 'record' });
  publisher.start();
  let last = 0;
  for (let round = 1; round <= 5; round++) {
    const player = connection.session({ streamName: 'keep' });
    player.start('play');
    for (let i = 0; i < 100; i++) player.rtpSent(1000);
    player.end('teardown');
    const e = parseExposition(await harness.scrape());
    const sent = valueOf(e, 'bytes_sent_total', keep);
    assert.equal(sent, round * 100_000, 'a closed session keeps its bytes in the stream total');
    assert.ok(sent >= last);
    last = sent;
    assert.equal(valueOf(e, 'stream_stopped_total', { ...keep, reason: 'teardown' }), round);
  }
  connection.close();
  const e = parseExposition(await harness.scrape());
  assert.equal(valueOf(e, 'bytes_sent_total', keep), 500_000, 'still exported after the last session ended');
  assert.equal(valueOf(e, 'stream_stopped_total', { ...keep, reason: 'disconnected' }), 1);
  assert.equal(valueOf(e, 'active_streams', { protocol: 'rtsp' }), 0);
});

test('series of streams that are gone are dropped after the retention time: memory stays flat', async (t) => {
  const harness = createHarness();
  const retention = seriesRetention.counterMs;
  seriesRetention.counterMs = 200;
  t.after(async () => {
    seriesRetention.counterMs = retention;
    await harness.shutdown();
  });
  const rtsp = createRtspMetrics({ meterProvider: harness.provider });
  const packetsSent = fluxInstruments(harness.provider).get('packets_sent_total');
  const live = rtsp.connectionOpened().session({ streamName: 'live' });
  live.start();
  const namesBefore = labelLimits.streamNames.size;

  for (let wave = 0; wave < 3; wave++) {
    const connection = rtsp.connectionOpened();
    for (let i = 0; i < 2000; i++) {
      const session = connection.session({ streamName: `wave${wave}-cam${i}` });
      session.start();
      session.rtpSent(500);
      session.rtcpReceived(Buffer.alloc(8));
    }
    connection.close('timeout');
    const during = parseExposition(await harness.scrape());
    assert.equal(
      valueOf(during, 'stream_stopped_total', { stream_name: `wave${wave}-cam1999`, reason: 'timeout' }),
      1,
    );
    await sleep(250);
    live.rtpSent(100);
    const after = parseExposition(await harness.scrape());
    const streams = new Set(after.samples.map((s) => s.labels.stream_name).filter((n) => n !== undefined));
    assert.deepEqual([...streams], ['live'], `wave ${wave}: only the live stream is left`);
    assert.equal(packetsSent.size, 1);
    assert.ok(labelLimits.streamNames.size <= namesBefore, 'gone names leave the stream-name bound');
  }
  assert.equal(
    valueOf(parseExposition(await harness.scrape()), 'packets_sent_total', { stream_name: 'live' }),
    3,
  );
});

/** Sessions set up and torn down on `connection`, seen only through weak references. */
function endedSessions(connection: RtspConnectionObserver, count: number): WeakRef<object>[] {
  const refs: WeakRef<object>[] = [];
  for (let i = 0; i < count; i++) {
    const session = connection.session({ streamName: 'cam' });
    session.start();
    session.end('teardown');
    refs.push(new WeakRef(session));
  }
  return refs;
}

test('a long-lived connection lets go of its ended sessions', async (t) => {
  const harness = createHarness();
  t.after(() => harness.shutdown());
  const connection = createRtspMetrics({ meterProvider: harness.provider }).connectionOpened();
  const refs = endedSessions(connection, 100);
  const open = connection.session({ streamName: 'cam' });
  open.start();
  await new Promise((resolve) => setImmediate(resolve)); // WeakRefs hold their target until the job ends
  gc();
  const kept = refs.flatMap((ref, i) => (ref.deref() === undefined ? [] : [i]));
  assert.deepEqual(kept, [], 'ended sessions are not kept');
  connection.close();
  assert.ok(open.ended, 'a session still open ends with its connection');
  const e = parseExposition(await harness.scrape());
  assert.equal(valueOf(e, 'stream_stopped_total', { stream_name: 'cam', reason: 'teardown' }), 100);
  assert.equal(valueOf(e, 'stream_stopped_total', { stream_name: 'cam', reason: 'disconnected' }), 1);
});
