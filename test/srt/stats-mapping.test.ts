import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CsvReportParser, createSrtMetrics, parseJsonReport, srtRejectReason } from '@flux-metrics/srt';
import { createHarness } from '../support/harness.ts';
import { sample } from './exposition.ts';
import { CSV_HEADER, CSV_LINE, RECEIVER_JSON, SENDER_JSON } from './fixtures.ts';

const CAM = { stream_name: 'cam1' };

async function setup(perConnectionLimit = 0) {
  const harness = createHarness();
  const srt = createSrtMetrics({ meterProvider: harness.provider, perConnectionLimit });
  return { harness, srt };
}

describe('SRT statistics → metrics', () => {
  it('accumulates interval fields read with clear, and running totals read without, to the same counts', async () => {
    const { harness, srt } = await setup();
    const cleared = srt.open({ streamName: 'a', direction: 'receive' });
    cleared.update({ pktRecv: 100, pktRcvLoss: 4 }, { cleared: true });
    cleared.update({ pktRecv: 150, pktRcvLoss: 6 }, { cleared: true });
    const running = srt.open({ streamName: 'b', direction: 'receive' });
    running.update({ pktRecv: 100, pktRcvLoss: 4 });
    running.update({ pktRecv: 250, pktRcvLoss: 10 });
    running.update({ pktRecv: 250, pktRcvLoss: 10 }); // no news: nothing added
    const text = await harness.scrape();
    for (const stream_name of ['a', 'b']) {
      assert.equal(sample(text, 'packets_received_total', { stream_name }), 250);
      assert.equal(sample(text, 'packets_lost_total', { stream_name, protocol: 'srt' }), 10);
    }
    await harness.shutdown();
  });

  it('prefers accumulated *Total fields and never adds the interval ones too', async () => {
    const { harness, srt } = await setup();
    const c = srt.open({ streamName: 'cam1', direction: 'send' });
    c.update({ pktSentTotal: 100, pktSent: 100, pktRetransTotal: 3, pktRetrans: 3 }, { cleared: true });
    c.update({ pktSentTotal: 180, pktSent: 80, pktRetransTotal: 5, pktRetrans: 2 }, { cleared: true });
    // A restarted socket (running total went down) counts its new value once.
    c.update({ pktSentTotal: 20, pktRetransTotal: 0 }, { cleared: true });
    const text = await harness.scrape();
    assert.equal(sample(text, 'packets_sent_total', CAM), 200);
    assert.equal(sample(text, 'srt_packets_retransmitted_total', CAM), 5);
    assert.equal(sample(text, 'packets_received_total', CAM), undefined, 'a sender has no receive series');
    await harness.shutdown();
  });

  it('maps an srt-live-transmit receiver JSON line to libsrt fields and receive-side metrics', async () => {
    const report = parseJsonReport(RECEIVER_JSON);
    assert.ok(report);
    assert.partialDeepStrictEqual(report, {
      socketId: 838091401,
      stats: { pktRecv: 198, pktRcvLoss: 7, msRTT: 0.137, msRcvTsbPdDelay: 120, msTimeStamp: 4741 },
    });
    assert.equal(parseJsonReport('Accepted SRT source connection'), undefined);

    const { harness, srt } = await setup();
    srt.open({ streamName: 'cam1', direction: 'receive' }).update(report.stats, { cleared: true });
    const text = await harness.scrape();
    assert.equal(sample(text, 'packets_received_total', CAM), 198);
    assert.equal(sample(text, 'bytes_received_total', CAM), 269280);
    assert.equal(sample(text, 'packets_lost_total', CAM), 7);
    // Counter series exist from the first report, at 0, so rate() sees their first increase.
    assert.equal(sample(text, 'srt_packets_dropped_total', { ...CAM, direction: 'receive' }), 0);
    assert.ok(Math.abs(sample(text, 'srt_rtt_seconds', CAM)! - 0.000137) < 1e-12);
    assert.equal(sample(text, 'srt_buffer_seconds', { ...CAM, direction: 'receive' }), 0.113);
    assert.equal(sample(text, 'srt_latency_seconds', { ...CAM, direction: 'receive' }), 0.12);
    assert.equal(sample(text, 'srt_buffer_available_bytes', { ...CAM, direction: 'receive' }), 12240000);
    assert.equal(sample(text, 'srt_rate_mbps', { ...CAM, direction: 'receive' }), 3.10536);
    assert.equal(sample(text, 'srt_congestion_window_packets', CAM), undefined, 'sender-only gauge');
    assert.equal(sample(text, 'rtt_seconds_count', { protocol: 'srt' }), 1);
    assert.equal(sample(text, 'bandwidth_mbps_count', { protocol: 'srt' }), 1);
    // End-to-end estimate = TSBPD delay + RTT/2 = 120.0685 ms.
    assert.ok(Math.abs(sample(text, 'packet_latency_seconds_sum', { protocol: 'srt' })! - 0.1200685) < 1e-9);
    await harness.shutdown();
  });

  it('maps a sender JSON line to send-side counters and window gauges', async () => {
    const { harness, srt } = await setup();
    srt.open({ streamName: 'cam1', direction: 'send' }).update(parseJsonReport(SENDER_JSON)!.stats, {
      cleared: true,
    });
    const text = await harness.scrape();
    assert.equal(sample(text, 'packets_sent_total', CAM), 204);
    assert.equal(sample(text, 'bytes_sent_total', CAM), 277440);
    assert.equal(sample(text, 'srt_packets_retransmitted_total', CAM), 5);
    assert.equal(sample(text, 'srt_packets_send_lost_total', CAM), 5);
    assert.equal(sample(text, 'srt_congestion_window_packets', CAM), 8192);
    assert.equal(sample(text, 'srt_flight_size_packets', CAM), 3);
    assert.equal(sample(text, 'srt_buffer_seconds', { ...CAM, direction: 'send' }), 0.011);
    assert.equal(sample(text, 'packets_lost_total', CAM), undefined, 'receiver loss is not a sender metric');
    assert.equal(sample(text, 'packet_latency_seconds_count', { protocol: 'srt' }), undefined);
    await harness.shutdown();
  });

  it('reads CSV with its duplicated Time column and a header that may come again', () => {
    const parser = new CsvReportParser();
    assert.equal(parser.parse(CSV_LINE), undefined, 'no header yet');
    assert.equal(parser.parse(CSV_HEADER), undefined);
    const report = parser.parse(CSV_LINE);
    assert.ok(report);
    assert.partialDeepStrictEqual(report, {
      socketId: 219518323,
      stats: { msTimeStamp: 1049, pktRecv: 135, byteRecv: 183600, msRcvBuf: 41, mbpsRecvRate: 1.40017 },
    });
    assert.equal(report.stats['Time'], undefined);
  });

  it('combines connections of one stream: rates add up, RTT takes the worst; gauges leave with the stream', async () => {
    const { harness, srt } = await setup();
    const one = srt.open({ streamName: 'cam1', direction: 'send' });
    const two = srt.open({ streamName: 'cam1', direction: 'send' });
    one.update({ mbpsSendRate: 2, msRTT: 10, pktSent: 10 }, { cleared: true });
    two.update({ mbpsSendRate: 3, msRTT: 40, pktSent: 5 }, { cleared: true });
    let text = await harness.scrape();
    assert.equal(sample(text, 'srt_rate_mbps', { ...CAM, direction: 'send' }), 5);
    assert.equal(sample(text, 'srt_rtt_seconds', CAM), 0.04);
    assert.equal(sample(text, 'packets_sent_total', CAM), 15);
    assert.equal(sample(text, 'active_connections', { protocol: 'srt' }), 2);

    two.close('teardown');
    text = await harness.scrape();
    assert.equal(sample(text, 'srt_rate_mbps', { ...CAM, direction: 'send' }), 2);
    assert.equal(sample(text, 'srt_rtt_seconds', CAM), 0.01);

    one.close('timeout');
    one.update({ pktSent: 7 }, { cleared: true }); // a late report: counted, gauges ignored
    text = await harness.scrape();
    assert.equal(sample(text, 'srt_rtt_seconds', CAM), undefined);
    assert.equal(sample(text, 'packets_sent_total', CAM), 22);
    assert.equal(sample(text, 'active_connections', { protocol: 'srt' }), 0);
    assert.equal(sample(text, 'active_streams', { protocol: 'srt' }), 0);
    assert.equal(sample(text, 'connections_closed_total', { protocol: 'srt' }), 2);
    assert.equal(sample(text, 'stream_started_total', CAM), 2);
    assert.equal(sample(text, 'stream_stopped_total', { ...CAM, reason: 'teardown' }), 1);
    assert.equal(sample(text, 'stream_stopped_total', { ...CAM, reason: 'timeout' }), 1);
    assert.equal(sample(text, 'errors_total', { component: 'srt', type: 'timeout' }), 1);
    await harness.shutdown();
  });

  it('releases the gauges of a direction that left while the other direction of the stream stays', async () => {
    const { harness, srt } = await setup();
    const publisher = srt.open({ streamName: 'cam1', direction: 'receive' });
    const player = srt.open({ streamName: 'cam1', direction: 'send' });
    publisher.update({ mbpsRecvRate: 4, msRcvBuf: 120, msRcvTsbPdDelay: 120, byteRcvBuf: 1000, msRTT: 30 });
    player.update({ mbpsSendRate: 4, msSndBuf: 80, pktFlightSize: 12, byteSndBuf: 500, msRTT: 10 });
    let text = await harness.scrape();
    const receive = { ...CAM, direction: 'receive' };
    assert.equal(sample(text, 'srt_rate_mbps', receive), 4);
    assert.equal(sample(text, 'srt_rtt_seconds', CAM), 0.03);

    publisher.close('disconnected');
    text = await harness.scrape();
    for (const [name, labels] of [
      ['srt_rate_mbps', receive],
      ['srt_buffer_seconds', receive],
      ['srt_latency_seconds', receive],
      ['buffer_size', { ...CAM, type: 'srt_receive' }],
    ] as const) {
      assert.equal(sample(text, name, labels), undefined, `${name} of the publisher that left`);
    }
    assert.equal(sample(text, 'srt_rate_mbps', { ...CAM, direction: 'send' }), 4, 'the player stays');
    assert.equal(sample(text, 'srt_flight_size_packets', CAM), 12);
    assert.equal(sample(text, 'srt_rtt_seconds', CAM), 0.01, 'shared gauges now come from the player alone');
    player.close('disconnected');
    await harness.shutdown();
  });

  it('gives connections series of their own only when opted in, and only up to the limit', async () => {
    const { harness, srt } = await setup(1);
    const first = srt.open({ streamName: 'cam1', id: 11, direction: 'receive' });
    const second = srt.open({ streamName: 'cam1', id: 12, direction: 'receive' });
    first.update({ pktRecv: 1 }, { cleared: true });
    second.update({ pktRecv: 2 }, { cleared: true });
    let text = await harness.scrape();
    assert.equal(sample(text, 'packets_received_total', { stream_name: 'cam1/11' }), 1);
    assert.equal(sample(text, 'packets_received_total', { stream_name: 'cam1' }), 2);
    first.close();
    const third = srt.open({ streamName: 'cam1', id: 13, direction: 'receive' });
    third.update({ pktRecv: 4 }, { cleared: true });
    text = await harness.scrape();
    assert.equal(sample(text, 'packets_received_total', { stream_name: 'cam1/13' }), 4, 'slot freed');
    await harness.shutdown();
  });

  it('counts failed connections by bounded reject reason from names, codes and libsrt texts', async () => {
    assert.equal(srtRejectReason('SRT_REJ_BADSECRET'), 'badsecret');
    assert.equal(srtRejectReason(1016), 'timeout');
    assert.equal(srtRejectReason(17), 'crypto');
    assert.equal(srtRejectReason(99), 'unknown');
    assert.equal(srtRejectReason('Incorrect passphrase'), 'badsecret');
    assert.equal(srtRejectReason('<script>'), 'unknown');
    const { harness, srt } = await setup();
    srt.connectionFailed('BADSECRET');
    srt.connectionFailed(1010);
    srt.connectionFailed('Connection timeout');
    srt.handshake(0.02);
    const text = await harness.scrape();
    assert.equal(sample(text, 'srt_connections_failed_total', { reason: 'badsecret' }), 2);
    assert.equal(sample(text, 'srt_connections_failed_total', { reason: 'timeout' }), 1);
    assert.equal(sample(text, 'errors_total', { component: 'srt', type: 'auth' }), 2);
    assert.equal(sample(text, 'srt_handshake_duration_seconds_count'), 1);
    await harness.shutdown();
  });

  it('drops malformed statistics without throwing', async () => {
    const { harness, srt } = await setup();
    const c = srt.open({ streamName: 'cam1', direction: 'both' });
    c.update({ pktRecv: Number.NaN, pktSent: -5, msRTT: Number.POSITIVE_INFINITY }, { cleared: true });
    c.update(null as never);
    const text = await harness.scrape();
    assert.equal(sample(text, 'packets_received_total', CAM), 0, 'nothing counted');
    assert.equal(sample(text, 'srt_rtt_seconds', CAM), undefined);
    await harness.shutdown();
  });
});
