import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Server, Socket } from 'node:net';
import { setTimeout as hold } from 'node:timers/promises';
import { instrumentRtspServer } from '@flux-metrics/rtsp';
import { createHarness } from '../support/harness.ts';
import { parseExposition, valueOf } from '../support/exposition.ts';

/**
 * A connection of an instrumented server driven without a network: bytes pushed into the socket are what
 * the client sent, bytes written through `_write` are what the server answered; both pass the real tap.
 */
function tappedConnection(t: TestContext) {
  const harness = createHarness();
  const server = new Server();
  const rtsp = instrumentRtspServer(server, { meterProvider: harness.provider });
  const socket = new Socket();
  server.emit('connection', socket);
  socket.resume(); // flowing with no reader: pushed bytes are dropped after observation
  const wire = socket as unknown as { _write(chunk: Buffer, encoding: string, cb: () => void): void };
  t.after(async () => {
    socket.destroy();
    rtsp.stop();
    await harness.shutdown();
  });
  return {
    socket,
    fromClient: (bytes: Buffer | string) => socket.push(Buffer.from(bytes)),
    fromServer: (bytes: Buffer | string) => wire._write(Buffer.from(bytes), 'buffer', () => {}),
    metrics: async () => parseExposition(await harness.scrape()),
  };
}

const frame = (channel: number, packet: Buffer) =>
  Buffer.concat([Buffer.from([0x24, channel, packet.length >> 8, packet.length & 0xff]), packet]);

/** SETUP over TCP interleaved 0-1 and RECORD/PLAY, answered 200: a session whose frames are counted. */
function interleavedSession(c: ReturnType<typeof tappedConnection>, mode: 'record' | 'play') {
  const url = 'rtsp://127.0.0.1/cam';
  const transport = `RTP/AVP/TCP;unicast;interleaved=0-1${mode === 'record' ? ';mode=record' : ''}`;
  c.fromClient(`SETUP ${url}/trackID=0 RTSP/1.0\r\nCSeq: 1\r\nTransport: ${transport}\r\n\r\n`);
  c.fromServer(`RTSP/1.0 200 OK\r\nCSeq: 1\r\nSession: s1\r\nTransport: ${transport}\r\n\r\n`);
  c.fromClient(`${mode.toUpperCase()} ${url} RTSP/1.0\r\nCSeq: 2\r\nSession: s1\r\n\r\n`);
  c.fromServer('RTSP/1.0 200 OK\r\nCSeq: 2\r\nSession: s1\r\n\r\n');
}

test('a 60 KB head fed byte by byte costs linear time, not a re-scan per byte', async (t) => {
  const c = tappedConnection(t);
  const headers = Array.from({ length: 1500 }, (_, i) => `X-Filler-${i}: ${'v'.repeat(24)}`);
  const head = Buffer.from(
    `OPTIONS rtsp://127.0.0.1/cam RTSP/1.0\r\nCSeq: 1\r\n${headers.join('\r\n')}\r\n\r\n`,
  );
  assert.ok(head.length > 60_000 && head.length < 64 * 1024, `${head.length} bytes`);
  const bytes = Array.from({ length: head.length }, (_, i) => head.subarray(i, i + 1));
  const feed = (socket: Socket) => {
    const before = process.cpuUsage();
    for (const byte of bytes) socket.push(byte);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  };
  // The same bytes through a socket nobody observes: what the socket itself costs.
  const bare = new Socket();
  bare.resume();
  const bareMs = feed(bare);
  bare.destroy();
  const tappedMs = feed(c.socket);
  t.diagnostic(
    `${head.length} bytes pushed one at a time: ${tappedMs.toFixed(1)} ms CPU observed, ${bareMs.toFixed(1)} ms unobserved`,
  );
  c.fromServer('RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n');
  const e = await c.metrics();
  assert.equal(valueOf(e, 'rtsp_requests_total', { method: 'OPTIONS', status: '200' }), 1, 'parsed');
  // Linear parsing adds about as much as the socket costs; re-scanning the buffered head added 300 times that.
  assert.ok(tappedMs < 20 * bareMs + 20, `${tappedMs} ms of CPU observed vs ${bareMs} ms unobserved`);
});

test('heads ended by a bare LF are parsed (RFC 2326 §4: receivers accept LF as a line end)', async (t) => {
  const c = tappedConnection(t);
  c.fromClient('OPTIONS rtsp://127.0.0.1/cam RTSP/1.0\nCSeq: 1\n\n');
  c.fromServer('RTSP/1.0 200 OK\nCSeq: 1\n\n');
  c.fromClient('DESCRIBE rtsp://127.0.0.1/cam RTSP/1.0\r\nCSeq: 2\n\r\n');
  c.fromServer('RTSP/1.0 404 Not Found\r\nCSeq: 2\r\n\n');
  const e = await c.metrics();
  assert.equal(valueOf(e, 'rtsp_requests_total', { method: 'OPTIONS', status: '200' }), 1);
  assert.equal(valueOf(e, 'rtsp_requests_total', { method: 'DESCRIBE', status: '404' }), 1);
  assert.equal(valueOf(e, 'errors_total', { component: 'rtsp', type: 'protocol' }), 0);
});

test('after a malformed message, later interleaved media on the connection is still counted', async (t) => {
  const c = tappedConnection(t);
  interleavedSession(c, 'record');
  const rtp = frame(0, Buffer.alloc(100, 0x80));
  c.fromClient(Buffer.concat([rtp, rtp]));
  // A request with a Content-Length that is no length, then media.
  c.fromClient('SET_PARAMETER rtsp://127.0.0.1/cam RTSP/1.0\r\nCSeq: 3\r\nContent-Length: lots\r\n\r\n');
  c.fromClient(Buffer.concat([rtp, rtp, rtp]));
  // A line that never ends (not RTSP at all), then media.
  c.fromClient(Buffer.alloc(70_000, 'x'));
  c.fromClient(Buffer.concat([rtp, rtp, rtp, rtp, rtp]));
  const e = await c.metrics();
  const cam = { protocol: 'rtsp', stream_name: 'cam' };
  assert.equal(valueOf(e, 'packets_received_total', cam), 10, 'every RTP frame counted');
  assert.equal(valueOf(e, 'bytes_received_total', cam), 1000);
  assert.equal(valueOf(e, 'errors_total', { component: 'rtsp', type: 'protocol' }), 2, 'each counted');
});

test('RTT from RTCP uses the send time of the sender report the tap saw, whatever clock the server stamps', async (t) => {
  const c = tappedConnection(t);
  interleavedSession(c, 'play');
  // The server's SR carries an NTP time two hours off the wall clock (its own clock, or a media clock).
  const ntpSeconds = Math.floor(Date.now() / 1000) + 2_208_988_800 - 7200;
  const sr = Buffer.alloc(28);
  sr.writeUInt8(0x80, 0);
  sr.writeUInt8(200, 1);
  sr.writeUInt16BE(6, 2);
  sr.writeUInt32BE(0x1234, 4);
  sr.writeUInt32BE(ntpSeconds >>> 0, 8);
  sr.writeUInt32BE(0x8000_0000, 12);
  const lsr = (((ntpSeconds & 0xffff) << 16) | 0x8000) >>> 0;

  const srBefore = performance.now();
  c.fromServer(frame(1, sr));
  const srAfter = performance.now();
  await hold(20); // the player holds the SR before it reports
  const rrBefore = performance.now();
  const dlsr = Math.floor((rrBefore - srAfter) * 65.536); // ≤ the real hold, in 1/65536 s
  const rr = Buffer.alloc(32);
  rr.writeUInt8(0x81, 0);
  rr.writeUInt8(201, 1);
  rr.writeUInt16BE(7, 2);
  rr.writeUInt32BE(0x5678, 4);
  rr.writeUInt32BE(0x1234, 8);
  rr.writeUInt32BE(lsr, 24);
  rr.writeUInt32BE(dlsr, 28);
  c.fromClient(frame(1, rr));
  const rrAfter = performance.now();

  const e = await c.metrics();
  assert.equal(valueOf(e, 'rtt_seconds_count', { protocol: 'rtsp' }), 1);
  const rtt = valueOf(e, 'rtt_seconds_sum', { protocol: 'rtsp' });
  const lowest = (rrBefore - srAfter) / 1000 - dlsr / 65536;
  const highest = (rrAfter - srBefore) / 1000 - dlsr / 65536;
  assert.ok(rtt >= lowest && rtt <= highest, `RTT ${rtt} s, expected ${lowest}..${highest}`);
});
