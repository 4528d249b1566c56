import { spawn } from 'node:child_process';
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
  createSrtMetrics,
  SrtLiveTransmitNotFoundError,
  startSrtCaller,
  startSrtListener,
  startSrtLiveTransmit,
  type SrtMetrics,
  type SrtLiveTransmitProcess,
  type SrtLiveTransmitStartOptions,
} from '@flux-metrics/srt';
import { createHarness, type Harness } from '../support/harness.ts';
import { sample } from './exposition.ts';
import { LossyRelay } from './support/lossy-relay.ts';
import { freeUdpPort, sendDatagrams, UdpSink, waitFor } from './support/udp.ts';

/**
 * Real srt-live-transmit (Debian srt-tools) on loopback:
 *   UDP source → srt-live-transmit caller → LossyRelay → srt-live-transmit listener → UDP sink.
 * Each side has its own MeterProvider, as two servers would.
 */

interface Side {
  readonly harness: Harness;
  readonly process: SrtLiveTransmitProcess;
  scrape(): Promise<string>;
}

interface Pipeline {
  readonly listener: Side;
  readonly caller: Side;
  readonly relay: LossyRelay;
  readonly sink: UdpSink;
  readonly sourcePort: number;
}

type SideOptions = Pick<SrtLiveTransmitStartOptions, 'fullstats' | 'format' | 'extraArgs'>;

/** Runs one srt-live-transmit with its own MeterProvider; stops it and the provider after the test. */
async function startSide(
  t: TestContext,
  start: (metrics: SrtMetrics) => Promise<SrtLiveTransmitProcess>,
): Promise<Side> {
  const harness = createHarness();
  const process = await start(createSrtMetrics({ meterProvider: harness.provider }));
  t.after(async () => {
    await process.stop(500);
    await harness.shutdown();
  });
  return { harness, process, scrape: () => harness.scrape() };
}

async function startPipeline(
  t: TestContext,
  dropEvery: number,
  sides: { listener?: SideOptions; caller?: SideOptions } = {},
): Promise<Pipeline> {
  const sink = await UdpSink.start();
  t.after(() => sink.close());
  const listenPort = await freeUdpPort();
  const relay = await LossyRelay.start(listenPort, dropEvery);
  t.after(() => relay.close());
  const sourcePort = await freeUdpPort();
  const common = { streamName: 'cam1', statsEveryPackets: 50 };
  const listener = await startSide(t, (metrics) =>
    startSrtListener({
      ...common,
      ...sides.listener,
      metrics,
      listen: { port: listenPort, latencyMs: 120 },
      output: `udp://127.0.0.1:${sink.port}`,
    }),
  );
  const caller = await startSide(t, (metrics) =>
    startSrtCaller({
      ...common,
      ...sides.caller,
      metrics,
      input: `udp://127.0.0.1:${sourcePort}`,
      target: { port: relay.port, latencyMs: 120 },
    }),
  );
  return { listener, caller, relay, sink, sourcePort };
}

/** Sends until both sides report an established connection (the caller connects on its first datagram). */
async function connect(p: Pipeline): Promise<void> {
  const connected = () =>
    p.listener.process.monitor.connection !== undefined && p.caller.process.monitor.connection !== undefined;
  await waitFor('an established SRT connection', async () => {
    if (!connected()) await sendDatagrams(p.sourcePort, 3);
    return connected();
  });
}

const CAM = { stream_name: 'cam1', protocol: 'srt' };
const count = (text: string, name: string, labels: Record<string, string> = CAM) =>
  sample(text, name, labels) ?? 0;

describe('srt-live-transmit on loopback', { timeout: 60_000 }, () => {
  it('measures retransmissions and loss that agree with the relay’s drops (1 in 20), in both stats modes', async (t) => {
    // Listener with -f (running totals), caller without (each report clears): both must count once.
    const p = await startPipeline(t, 20, { listener: { fullstats: true }, caller: { format: 'json' } });
    await connect(p);
    await sendDatagrams(p.sourcePort, 1500, 300);
    // Stop dropping and flush: srt-live-transmit reports every 50 packets, so the lossy tail gets reported.
    p.relay.dropping = false;
    await sendDatagrams(p.sourcePort, 150, 300);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const listener = await p.listener.scrape();
    const caller = await p.caller.scrape();
    const drops = p.relay.dropped;
    const retransmitted = count(caller, 'srt_packets_retransmitted_total', { stream_name: 'cam1' });
    const sendLost = count(caller, 'srt_packets_send_lost_total', { stream_name: 'cam1' });
    const receiveLost = count(listener, 'packets_lost_total');
    const tolerance = Math.max(3, Math.ceil(drops * 0.1));
    t.diagnostic(
      `relay dropped ${drops} of ${p.relay.dataPackets} data packets; caller retransmitted ${retransmitted}, ` +
        `sender-side lost ${sendLost}; listener lost ${receiveLost}; tolerance ±${tolerance}`,
    );
    assert.ok(drops >= 70, `the relay dropped ${drops}`);
    assert.ok(Math.abs(retransmitted - drops) <= tolerance, `retransmitted ${retransmitted} vs ${drops}`);
    assert.ok(Math.abs(sendLost - drops) <= tolerance, `sender lost ${sendLost} vs ${drops}`);
    assert.ok(Math.abs(receiveLost - drops) <= tolerance, `receiver lost ${receiveLost} vs ${drops}`);
    // Everything was recovered in time (RTT ≪ 120 ms latency): no drops, every datagram reached the sink.
    assert.equal(count(listener, 'srt_packets_dropped_total', { stream_name: 'cam1' }), 0);
    assert.equal(count(caller, 'srt_packets_dropped_total', { stream_name: 'cam1' }), 0);
    assert.ok(p.sink.received >= 1650, `sink got ${p.sink.received}`);
    // Packets, retransmissions included, against what the relay saw; reports miss at most the last 50.
    const sent = count(caller, 'packets_sent_total');
    const received = count(listener, 'packets_received_total');
    const forwarded = p.relay.dataPackets - drops;
    t.diagnostic(
      `packets_sent_total ${sent} of ${p.relay.dataPackets}; received ${received} of ${forwarded}`,
    );
    assert.ok(sent <= p.relay.dataPackets && sent > p.relay.dataPackets - 50, `sent ${sent}`);
    assert.ok(received <= forwarded && received > forwarded - 50, `received ${received}`);
    // 1316-byte payloads: libsrt's byte counters add 44 header bytes (IPv4 + UDP + SRT) per packet.
    assert.equal(count(listener, 'bytes_received_total'), received * 1360);
    // Gauges and samples from real reports.
    assert.equal(count(listener, 'srt_latency_seconds', { stream_name: 'cam1', direction: 'receive' }), 0.12);
    assert.ok(count(listener, 'srt_rtt_seconds', { stream_name: 'cam1' }) > 0);
    assert.equal(count(caller, 'srt_congestion_window_packets', { stream_name: 'cam1' }), 8192);
    assert.ok(count(caller, 'rtt_seconds_count', { protocol: 'srt' }) >= 20);
    assert.ok(count(listener, 'packet_latency_seconds_count', { protocol: 'srt' }) >= 20);
    assert.equal(count(caller, 'srt_handshake_duration_seconds_count', {}), 1);

    // A clean stop of the caller: it counts `shutdown`, the listener sees its peer close.
    await p.caller.process.stop();
    await waitFor(
      'the listener to see the caller close',
      () => p.listener.process.monitor.connection === undefined,
    );
    const after = await p.listener.scrape();
    assert.equal(count(after, 'stream_stopped_total', { ...CAM, reason: 'disconnected' }), 1);
    assert.equal(count(after, 'active_connections', { protocol: 'srt' }), 0);
    assert.equal(count(await p.caller.scrape(), 'stream_stopped_total', { ...CAM, reason: 'shutdown' }), 1);
  });

  it('shows zero loss on a clean run (CSV stats), and a killed caller as a timeout', async (t) => {
    const p = await startPipeline(t, 0, { listener: { format: 'csv' } });
    await connect(p);
    await sendDatagrams(p.sourcePort, 600, 300);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const listener = await p.listener.scrape();
    const caller = await p.caller.scrape();
    assert.equal(p.relay.dropped, 0);
    assert.equal(count(listener, 'packets_lost_total'), 0);
    assert.equal(count(caller, 'srt_packets_retransmitted_total', { stream_name: 'cam1' }), 0);
    assert.equal(count(caller, 'srt_packets_send_lost_total', { stream_name: 'cam1' }), 0);
    assert.equal(count(listener, 'srt_packets_dropped_total', { stream_name: 'cam1' }), 0);
    assert.ok(count(listener, 'packets_received_total') >= 600 - 50, 'CSV reports counted');
    assert.equal(count(listener, 'active_streams', { protocol: 'srt' }), 1);

    // SIGKILL: no shutdown packet, the listener only learns from the 5 s peer idle timeout.
    const killedAt = Date.now();
    p.caller.process.child.kill('SIGKILL');
    await p.caller.process.exited;
    await waitFor(
      'the listener to time out',
      () => p.listener.process.monitor.connection === undefined,
      12_000,
    );
    t.diagnostic(`listener noticed the killed caller after ${Date.now() - killedAt} ms`);
    const after = await p.listener.scrape();
    assert.equal(count(after, 'stream_stopped_total', { ...CAM, reason: 'timeout' }), 1);
    assert.equal(count(after, 'errors_total', { component: 'srt', type: 'timeout' }), 1);
    assert.equal(count(after, 'active_streams', { protocol: 'srt' }), 0);
    // The killed side's own helper saw its process die without being asked to stop.
    assert.equal(count(await p.caller.scrape(), 'stream_stopped_total', { ...CAM, reason: 'error' }), 1);
  });

  it('counts a killed listener as a timeout on the caller, and its reconnect attempts as failed', async (t) => {
    const p = await startPipeline(t, 0);
    await connect(p);
    // The caller keeps reading and sending (and reporting) after the listener is gone.
    const feed = sendDatagrams(p.sourcePort, 3000, 300);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    p.listener.process.child.kill('SIGKILL');
    const failed = async () =>
      count(await p.caller.scrape(), 'srt_connections_failed_total', { reason: 'timeout' }) >= 1;
    await waitFor('the caller to time out and fail to reconnect', failed, 15_000);
    await feed;
    const text = await p.caller.scrape();
    assert.equal(count(text, 'stream_stopped_total', { ...CAM, reason: 'timeout' }), 1);
    assert.equal(count(text, 'stream_stopped_total', { ...CAM, reason: 'disconnected' }), 0);
    assert.ok(count(text, 'errors_total', { component: 'srt', type: 'timeout' }) >= 2);
    assert.ok(count(text, 'srt_packets_dropped_total', { stream_name: 'cam1', direction: 'send' }) > 0);
  });

  it('counts a refused connection by reject reason on both sides (wrong passphrase)', async (t) => {
    const sink = await UdpSink.start();
    t.after(() => sink.close());
    const listenPort = await freeUdpPort();
    const sourcePort = await freeUdpPort();
    const listener = await startSide(t, (metrics) =>
      startSrtLiveTransmit({
        input: `srt://127.0.0.1:${listenPort}?mode=listener&passphrase=right-passphrase`,
        output: `udp://127.0.0.1:${sink.port}`,
        streamName: 'cam1',
        metrics,
      }),
    );
    const caller = await startSide(t, (metrics) =>
      startSrtLiveTransmit({
        input: `udp://127.0.0.1:${sourcePort}`,
        output: `srt://127.0.0.1:${listenPort}?mode=caller&passphrase=wrong-passphrase`,
        streamName: 'cam1',
        extraArgs: ['-a:no'],
        metrics,
      }),
    );
    await sendDatagrams(sourcePort, 3);
    const failed = (side: Side) => async () =>
      count(await side.scrape(), 'srt_connections_failed_total', { reason: 'badsecret' }) >= 1;
    await waitFor('the listener to refuse', failed(listener));
    await waitFor('the caller to be refused', failed(caller));
    const text = await caller.scrape();
    assert.equal(count(text, 'errors_total', { component: 'srt', type: 'auth' }), 1);
    assert.equal(count(text, 'connections_opened_total', { protocol: 'srt' }), 0);
  });

  it('counts an ffmpeg SRT publisher on a listener, and its clean end as disconnected', async (t) => {
    const sink = await UdpSink.start();
    t.after(() => sink.close());
    const port = await freeUdpPort();
    const ingest = await startSide(t, (metrics) =>
      startSrtListener({
        listen: { port, latencyMs: 120 },
        output: `udp://127.0.0.1:${sink.port}`,
        streamName: 'cam1',
        metrics,
      }),
    );
    // ffmpeg's SRT `latency` is in microseconds; 2 s of test pattern as MPEG-TS.
    const target = `srt://127.0.0.1:${port}?mode=caller&latency=120000&pkt_size=1316`;
    const input = ['-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '2'];
    // -muxrate pads the TS to a constant 2 Mb/s (≈ 190 SRT packets/s): reports come every 100 packets.
    const output = ['-c:v', 'mpeg2video', '-f', 'mpegts', '-muxrate', '2000000', target];
    const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...input, ...output], {
      stdio: 'ignore',
    });
    t.after(() => ffmpeg.kill('SIGKILL'));
    await waitFor('ffmpeg to publish and finish', () => ffmpeg.exitCode !== null, 20_000);
    await waitFor(
      'the listener to see the publisher leave',
      () => ingest.process.monitor.connection === undefined,
    );
    const text = await ingest.scrape();
    assert.equal(ffmpeg.exitCode, 0);
    const bytes = count(text, 'bytes_received_total');
    t.diagnostic(`ffmpeg → listener: bytes_received_total ${bytes}`);
    assert.ok(bytes > 300_000, 'about two seconds at 2 Mb/s arrived');
    assert.equal(count(text, 'packets_lost_total'), 0);
    assert.equal(count(text, 'stream_started_total'), 1);
    assert.equal(count(text, 'stream_stopped_total', { ...CAM, reason: 'disconnected' }), 1);
  });

  it('says clearly that srt-live-transmit is missing instead of crashing', async () => {
    await assert.rejects(
      startSrtLiveTransmit({
        input: 'srt://127.0.0.1:9?mode=listener',
        output: 'udp://127.0.0.1:9',
        streamName: 'x',
        binary: '/nonexistent/srt-live-transmit',
      }),
      (error: unknown) =>
        error instanceof SrtLiveTransmitNotFoundError && /apt-get install srt-tools/.test(error.message),
    );
  });
});
