import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRtspMetrics } from '@flux-metrics/rtsp';
import { createHarness } from '../support/harness.ts';
import { parseExposition, valueOf } from '../support/exposition.ts';

/** Sizes a careless caller passes to the packet hooks. */
const BAD_SIZES = ['12', 10n, NaN, -1, Infinity, undefined, null, {}] as unknown as number[];

test('bad sizes into the RTSP hooks are counted as invalid, never thrown, never added to a stream total', async (t) => {
  const harness = createHarness();
  t.after(() => harness.shutdown());
  const connection = createRtspMetrics({ meterProvider: harness.provider }).connectionOpened();
  const session = connection.session({ streamName: 'cam' });
  session.start();
  for (const bytes of BAD_SIZES) {
    assert.doesNotThrow(
      () => {
        session.rtpSent(bytes);
        session.rtpReceived(bytes);
        session.rtcpSent(bytes);
        session.rtcpReceived(bytes as never);
        session.receiverReport({ ssrc: 1, cumulativeLost: bytes, jitter: bytes } as never, bytes);
        session.processingEnded(bytes);
      },
      `hooks with ${String(bytes)}`,
    );
  }
  session.rtpSent(100);
  session.rtpReceived(200);
  session.receiverReport({
    ssrc: 1,
    fractionLost: 0,
    cumulativeLost: 4,
    jitter: 900,
    lastSr: 0,
    delaySinceLastSr: 0,
  });
  const e = parseExposition(await harness.scrape());
  const stream = { protocol: 'rtsp', stream_name: 'cam' };
  assert.equal(valueOf(e, 'bytes_sent_total', stream), 100, 'no bad size poisoned the total');
  assert.equal(valueOf(e, 'bytes_received_total', stream), 200);
  assert.equal(valueOf(e, 'packets_sent_total', stream), 2 * BAD_SIZES.length + 1, 'packets still counted');
  assert.equal(valueOf(e, 'packets_lost_total', stream), 4);
  assert.equal(valueOf(e, 'rtsp_rtp_jitter_seconds', { stream_name: 'cam' }), 0.01);
  const invalid = (metric: string) =>
    e.samples
      .filter((s) => s.name === 'flux_metrics_invalid_measurements_total' && s.labels.metric === metric)
      .reduce((sum, s) => sum + s.value, 0);
  assert.equal(invalid('bytes_sent_total'), 2 * BAD_SIZES.length, 'rtpSent and rtcpSent');
  assert.equal(invalid('bytes_received_total'), 2 * BAD_SIZES.length, 'rtpReceived and rtcpReceived');
  // -1 is a valid cumulative count (duplicates), the other bad values are not.
  assert.equal(invalid('packets_lost_total'), BAD_SIZES.length - 1);
});
