import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { startRtspServer } from '@flux-metrics/example-rtsp-server';
import { createHarness } from '../support/harness.ts';
import { parseExposition, valueOf, type Exposition } from '../support/exposition.ts';
import { startCountingProxy } from './counting-proxy.ts';
import { play, publish, videoBytes } from './ffmpeg.ts';
import { waitFor } from './wait.ts';

const RTSP = { protocol: 'rtsp' };
/** RTP adds 12 header bytes per ~1.3 kB packet and drops Annex-B start codes: well within 2 %. */
const BYTE_TOLERANCE = 0.02;
/** The RTSP requests or responses of one test, the only non-media bytes on the wire. */
const MAX_RTSP_MESSAGE_BYTES = 8 * 1024;

/** Datagrams the kernel dropped because a socket's receive buffer was full (all UDP sockets of the host). */
function udpReceiveBufferDrops(): number {
  const [header, values] = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp: '))
    .map((l) => l.split(/\s+/));
  return Number(values![header!.indexOf('RcvbufErrors')]);
}
/** Upper bound of one RTP datagram from ffmpeg (its default packet size is 1472 bytes). */
const MAX_DATAGRAM_BYTES = 1500;

const deviation = (measured: number, truth: number) => `${(((measured - truth) / truth) * 100).toFixed(2)} %`;
const requests = (e: Exposition, method: string, status: number) =>
  valueOf(e, 'rtsp_requests_total', { method, status: String(status) });

async function setUp(t: import('node:test').TestContext, interleaved = false) {
  const harness = createHarness();
  const server = await startRtspServer({
    port: 0,
    meterProvider: harness.provider,
    senderReportIntervalMs: 500,
    interleaved,
  });
  t.after(async () => {
    await server.close();
    await harness.shutdown();
  });
  const scrape = async () => parseExposition(await harness.scrape());
  const settled = () =>
    waitFor('connections and sessions back to zero', async () => {
      const e = await scrape();
      return valueOf(e, 'active_connections', RTSP) === 0 && valueOf(e, 'active_streams', RTSP) === 0;
    });
  return { server, scrape, settled };
}

test('ffmpeg publishes over UDP, two ffmpeg players play it, two fail: every request and byte is counted', async (t) => {
  const { server, scrape, settled } = await setUp(t);
  const url = server.url('cam1');
  const dropsBefore = udpReceiveBufferDrops();
  const publisher = publish(url, 8);
  t.after(() => publisher.stop());
  await waitFor('cam1 to be published', () => server.streams().some((s) => s.name === 'cam1'));

  const players = [play(url, 4), play(url, 4)];
  t.after(() => players.forEach((p) => p.stop()));
  // While they play: 3 connections and sessions, and a jitter gauge once a receiver report came in.
  const jitterOf = (e: Exposition) =>
    e.samples.find((s) => s.name === 'rtsp_rtp_jitter_seconds' && s.labels.stream_name === 'cam1')?.value;
  let live = await scrape();
  // Both players connected and playing (they start at their own pace on a loaded machine), one report in.
  await waitFor(
    'both players playing and a receiver report',
    async () => {
      live = await scrape();
      return jitterOf(live) !== undefined && valueOf(live, 'active_connections', RTSP) === 3;
    },
    20_000,
  );
  assert.equal(valueOf(live, 'active_connections', RTSP), 3);
  assert.equal(valueOf(live, 'active_streams', RTSP), 3);
  const jitter = jitterOf(live)!;
  assert.ok(jitter >= 0 && jitter < 0.1, `jitter from receiver reports ${jitter} s`);
  t.diagnostic(`UDP: jitter ${jitter} s from the players' receiver reports`);

  const notFound = await play(server.url('nope'), 1).done;
  assert.equal(notFound.code, 1);
  assert.match(notFound.stderr, /404 Not Found/);
  const multicast = await play(url, 1, 'udp_multicast').done;
  assert.equal(multicast.code, 1);
  assert.match(multicast.stderr, /461 Unsupported Transport/);
  for (const player of players) assert.equal((await player.done).code, 0);
  const published = await publisher.done;
  assert.equal(published.code, 0, published.stderr);
  await settled();

  const e = await scrape();
  // 5 clients: publisher, 2 players, the 404 and the 461 player.
  assert.equal(requests(e, 'OPTIONS', 200), 5);
  assert.equal(requests(e, 'ANNOUNCE', 200), 1);
  assert.equal(requests(e, 'RECORD', 200), 1);
  assert.equal(requests(e, 'DESCRIBE', 200), 3);
  assert.equal(requests(e, 'DESCRIBE', 404), 1);
  assert.equal(requests(e, 'SETUP', 200), 3);
  assert.equal(requests(e, 'SETUP', 461), 1);
  assert.equal(requests(e, 'PLAY', 200), 2);
  assert.equal(requests(e, 'TEARDOWN', 200), 3);
  assert.equal(valueOf(e, 'rtsp_request_duration_seconds_count', { method: 'SETUP' }), 4);
  assert.equal(valueOf(e, 'errors_total', { component: 'rtsp', type: 'not_found' }), 1);
  assert.equal(valueOf(e, 'errors_total', { component: 'rtsp', type: 'unsupported' }), 1);

  assert.equal(valueOf(e, 'connections_opened_total', RTSP), 5);
  assert.equal(valueOf(e, 'connections_closed_total', RTSP), 5);
  assert.equal(valueOf(e, 'connection_setup_duration_seconds_count', RTSP), 3);
  const cam1 = { protocol: 'rtsp', stream_name: 'cam1' };
  assert.equal(valueOf(e, 'stream_started_total', cam1), 3);
  assert.equal(valueOf(e, 'stream_stopped_total', { ...cam1, reason: 'teardown' }), 3);
  assert.equal(valueOf(e, 'stream_start_duration_seconds_count', RTSP), 3);
  assert.equal(valueOf(e, 'rtsp_session_duration_seconds_count', { mode: 'play' }), 2);
  assert.equal(valueOf(e, 'rtsp_session_duration_seconds_count', { mode: 'record' }), 1);

  // What the publisher sent, as ffmpeg reports it, against what the server received.
  const sent = videoBytes(published.stderr);
  const received = valueOf(e, 'bytes_received_total', cam1);
  t.diagnostic(`UDP: server received ${received} B, ffmpeg encoded ${sent} B (${deviation(received, sent)})`);
  // On a loaded machine the kernel may drop datagrams before any socket sees them: the tap cannot count
  // those, so the shortfall may exceed the tolerance by at most what the kernel reports it dropped.
  const kernelDropped = (udpReceiveBufferDrops() - dropsBefore) * MAX_DATAGRAM_BYTES;
  assert.ok(
    Math.abs(received - sent) / sent < BYTE_TOLERANCE ||
      (received < sent && sent - received - BYTE_TOLERANCE * sent <= kernelDropped),
    `received ${received} B, ffmpeg sent ${sent} B, kernel dropped ≤ ${kernelDropped} B`,
  );
  // Each player got about half of the 8 s stream.
  const relayed = valueOf(e, 'bytes_sent_total', cam1);
  assert.ok(relayed > 0.7 * received && relayed < 1.4 * received, `relayed ${relayed} B of ${received} B`);

  // Players answer the server's sender reports: loss, RTT (loopback: well under 100 ms).
  assert.ok(valueOf(e, 'rtcp_packets_total', { direction: 'send', stream_name: 'cam1' }) >= 4);
  assert.ok(valueOf(e, 'rtcp_packets_total', { direction: 'receive', stream_name: 'cam1' }) >= 4);
  assert.equal(valueOf(e, 'packets_lost_total', cam1), 0);
  const rtts = valueOf(e, 'rtt_seconds_count', RTSP);
  assert.ok(rtts >= 2, `${rtts} RTT samples`);
  assert.ok(valueOf(e, 'rtt_seconds_sum', RTSP) / rtts < 0.1);
  assert.equal(valueOf(e, 'packet_latency_seconds_count', RTSP), rtts);
  assert.ok(valueOf(e, 'stream_processing_duration_seconds_count', RTSP) > 0);
});

test('ffmpeg publishes and plays over TCP interleaved: media bytes match the bytes on the wire', async (t) => {
  const { server, scrape, settled } = await setUp(t, true);
  const proxy = await startCountingProxy(server.port);
  t.after(() => proxy.close());
  const url = `rtsp://127.0.0.1:${proxy.port}/cam2`;
  const publisher = publish(url, 6, 'tcp');
  t.after(() => publisher.stop());
  await waitFor('cam2 to be published', () => server.streams().some((s) => s.name === 'cam2'));
  const player = play(url, 3, 'tcp');
  t.after(() => player.stop());
  assert.equal((await player.done).code, 0);
  const published = await publisher.done;
  assert.equal(published.code, 0, published.stderr);
  await settled();

  const e = await scrape();
  for (const method of ['OPTIONS', 'ANNOUNCE', 'SETUP', 'RECORD', 'DESCRIBE', 'PLAY', 'TEARDOWN']) {
    assert.ok(requests(e, method, 200) >= 1, `${method} 200`);
  }
  const cam2 = { protocol: 'rtsp', stream_name: 'cam2' };
  const received = valueOf(e, 'bytes_received_total', cam2);
  const sent = valueOf(e, 'bytes_sent_total', cam2);
  // Interleaved frames are `$`, channel and a 16-bit length before each RTP/RTCP packet.
  const upRtsp = proxy.clientToServer() - received - 4 * valueOf(e, 'packets_received_total', cam2);
  const downRtsp = proxy.serverToClient() - sent - 4 * valueOf(e, 'packets_sent_total', cam2);
  const encoded = videoBytes(published.stderr);
  t.diagnostic(`TCP: wire minus media: client→server ${upRtsp} B, server→client ${downRtsp} B`);
  t.diagnostic(
    `TCP: server received ${received} B, ffmpeg encoded ${encoded} B (${deviation(received, encoded)})`,
  );
  assert.ok(upRtsp > 0 && upRtsp < MAX_RTSP_MESSAGE_BYTES, `client→server non-media bytes ${upRtsp}`);
  assert.ok(downRtsp > 0 && downRtsp < MAX_RTSP_MESSAGE_BYTES, `server→client non-media bytes ${downRtsp}`);
  assert.ok(
    Math.abs(received - encoded) / encoded < BYTE_TOLERANCE,
    `received ${received} B of ${encoded} B`,
  );
  assert.ok(valueOf(e, 'rtcp_packets_total', { direction: 'receive', stream_name: 'cam2' }) >= 2);
  assert.equal(valueOf(e, 'stream_stopped_total', { ...cam2, reason: 'teardown' }), 2);
});

test('the UDP-only default answers ffmpeg over TCP with 461, counted as an unsupported-transport error', async (t) => {
  const { server, scrape, settled } = await setUp(t);
  const publisher = publish(server.url('cam3'), 3);
  t.after(() => publisher.stop());
  await waitFor('cam3 to be published', () => server.streams().some((s) => s.name === 'cam3'));
  const refused = await play(server.url('cam3'), 1, 'tcp').done;
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /461 Unsupported Transport/);
  assert.equal((await publisher.done).code, 0);
  await settled();
  const e = await scrape();
  assert.equal(requests(e, 'SETUP', 461), 1);
  assert.equal(valueOf(e, 'errors_total', { component: 'rtsp', type: 'unsupported' }), 1);
  assert.equal(valueOf(e, 'connections_closed_total', RTSP), 2);
});
