import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { instrumentRtspServer } from '@flux-metrics/rtsp';
import { createHarness, type Harness } from '../support/harness.ts';
import { parseExposition, valueOf } from '../support/exposition.ts';
import { waitFor } from './wait.ts';

const SDP =
  'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=t\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:streamid=0\r\n';
const request = (line: string, cseq: number, headers: string[] = [], body = '') =>
  Buffer.from(
    [line, `CSeq: ${cseq}`, ...headers, ...(body ? [`Content-Length: ${Buffer.byteLength(body)}`] : [])].join(
      '\r\n',
    ) + `\r\n\r\n${body}`,
  );
const frame = (channel: number, packet: Buffer) =>
  Buffer.concat([Buffer.from([0x24, channel, packet.length >> 8, packet.length & 0xff]), packet]);

/** The server's RTCP sender report, stamped with a clock of its own (NTP seconds 0x0001_2345). */
const SENDER_REPORT = Buffer.concat([
  Buffer.from([0x80, 200, 0, 6, 0, 0, 0x22, 0x22, 0, 1, 0x23, 0x45, 0x80, 0, 0, 0]),
  Buffer.alloc(12),
]);
const SENDER_REPORT_LSR = 0x2345_8000;

/** An RTCP receiver report with one block: 3 packets lost, jitter 9000 (0.1 s at 90 kHz), answering the SR. */
function receiverReport(): Buffer {
  const rr = Buffer.alloc(32);
  rr.writeUInt8(0x81, 0);
  rr.writeUInt8(201, 1);
  rr.writeUInt16BE(7, 2);
  rr.writeUInt32BE(1111, 4);
  rr.writeUInt32BE(2222, 8);
  rr.writeUInt32BE((0x10 << 24) | 3, 12);
  rr.writeUInt32BE(500, 16);
  rr.writeUInt32BE(9000, 20);
  rr.writeUInt32BE(SENDER_REPORT_LSR, 24);
  rr.writeUInt32BE(0, 28);
  return rr;
}

/** Writes one byte at a time, yielding in between, so the observer sees every possible split. */
async function trickle(socket: Socket, bytes: Buffer) {
  for (let i = 0; i < bytes.length; i += 7) {
    socket.write(bytes.subarray(i, i + 7));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Instruments `server`, listens on a free port and connects a client; everything is undone after the test. */
async function instrumentAndConnect(t: TestContext, server: Server, harness: Harness): Promise<Socket> {
  const rtsp = instrumentRtspServer(server, { meterProvider: harness.provider });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    rtsp.stop();
    server.close();
    await harness.shutdown();
  });
  const client = createConnection((server.address() as AddressInfo).port, '127.0.0.1');
  t.after(() => client.destroy());
  return client;
}

test('instrumentRtspServer follows a publisher over TCP interleaved, byte for byte, and changes nothing', async (t) => {
  const harness = createHarness();
  const received: Buffer[] = [];
  const written: Buffer[] = [];
  let answered = 0;
  // A scripted server: answers each CSeq it sees, then sends an RTCP packet on the publisher's channel 1.
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    let text = '';
    socket.on('data', async (chunk: Buffer) => {
      received.push(chunk);
      text += chunk.toString('latin1');
      // A request is complete once its head is (and for the ANNOUNCE, its SDP body).
      for (const match of text.matchAll(/CSeq: (\d+)\r\n(?:[^\r\n]+\r\n)*\r\n/g)) {
        const cseq = Number(match[1]);
        if (cseq <= answered || (cseq === 2 && !text.endsWith(SDP))) continue;
        answered = cseq;
        const headers =
          cseq === 3
            ? ['Session: abc;timeout=60', 'Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=record']
            : ['Session: abc'];
        const reply = request('RTSP/1.0 200 OK', cseq, headers);
        const out = cseq === 4 ? Buffer.concat([reply, frame(1, SENDER_REPORT)]) : reply;
        written.push(out);
        await trickle(socket, out);
      }
    });
  });
  const client = await instrumentAndConnect(t, server, harness);
  client.setNoDelay(true);
  const fromServer: Buffer[] = [];
  client.on('data', (chunk: Buffer) => fromServer.push(chunk));
  await once(client, 'connect');
  const sent: Buffer[] = [];
  const step = async (bytes: Buffer, cseq: number) => {
    sent.push(bytes);
    await trickle(client, bytes);
    // Like a real client, wait for the whole answer before the next request.
    const whole = () => Buffer.concat(fromServer).length === Buffer.concat(written).length;
    await waitFor(`answer ${cseq}`, () => answered >= cseq && whole(), 5000);
  };
  const url = 'rtsp://127.0.0.1/cam9';
  await step(request(`OPTIONS ${url} RTSP/1.0`, 1), 1);
  await step(request(`ANNOUNCE ${url} RTSP/1.0`, 2, ['Content-Type: application/sdp'], SDP), 2);
  await step(
    request(`SETUP ${url}/streamid=0 RTSP/1.0`, 3, ['Transport: RTP/AVP/TCP;interleaved=0-1;mode=record']),
    3,
  );
  await step(request(`RECORD ${url} RTSP/1.0`, 4, ['Session: abc']), 4);
  const media = Buffer.concat([
    ...Array.from({ length: 10 }, (_, i) => frame(0, Buffer.alloc(100, i))),
    frame(1, receiverReport()),
  ]);
  sent.push(media);
  await trickle(client, media);
  await waitFor('media at the server', () => Buffer.concat(received).length === Buffer.concat(sent).length);
  const during = parseExposition(await harness.scrape());
  assert.equal(valueOf(during, 'rtsp_rtp_jitter_seconds', { stream_name: 'cam9' }), 0.1);
  assert.equal(valueOf(during, 'active_streams', { protocol: 'rtsp' }), 1);
  await step(request(`TEARDOWN ${url} RTSP/1.0`, 5, ['Session: abc']), 5);
  await waitFor(
    'everything at the client',
    () => Buffer.concat(fromServer).length === Buffer.concat(written).length,
  );
  client.end();
  await waitFor(
    'close',
    async () => valueOf(parseExposition(await harness.scrape()), 'active_connections') === 0,
  );

  assert.deepEqual(Buffer.concat(received), Buffer.concat(sent), 'the server received exactly what was sent');
  assert.deepEqual(
    Buffer.concat(fromServer),
    Buffer.concat(written),
    'the client received exactly what was written',
  );
  const e = parseExposition(await harness.scrape());
  const cam9 = { protocol: 'rtsp', stream_name: 'cam9' };
  for (const method of ['OPTIONS', 'ANNOUNCE', 'SETUP', 'RECORD', 'TEARDOWN']) {
    assert.equal(valueOf(e, 'rtsp_requests_total', { method, status: '200' }), 1, method);
  }
  assert.equal(valueOf(e, 'packets_received_total', cam9), 11);
  assert.equal(valueOf(e, 'bytes_received_total', cam9), 10 * 100 + 32);
  assert.equal(valueOf(e, 'packets_sent_total', cam9), 1);
  assert.equal(valueOf(e, 'bytes_sent_total', cam9), 28);
  assert.equal(valueOf(e, 'rtcp_packets_total', { direction: 'receive', stream_name: 'cam9' }), 1);
  assert.equal(valueOf(e, 'rtcp_packets_total', { direction: 'send', stream_name: 'cam9' }), 1);
  assert.equal(valueOf(e, 'packets_lost_total', cam9), 3);
  // RTT runs from the SR the tap saw leave to the RR answering it, whatever clock the SR carries.
  assert.equal(valueOf(e, 'rtt_seconds_count', { protocol: 'rtsp' }), 1);
  const rtt = valueOf(e, 'rtt_seconds_sum', { protocol: 'rtsp' });
  assert.ok(rtt > 0 && rtt < 10, `RTT ${rtt} s from the SR's send time and DLSR`);
  assert.equal(valueOf(e, 'stream_stopped_total', { ...cam9, reason: 'teardown' }), 1);
  assert.equal(valueOf(e, 'rtsp_session_duration_seconds_count', { mode: 'record' }), 1);
  assert.equal(valueOf(e, 'stream_start_duration_seconds_count', { protocol: 'rtsp' }), 1);
  assert.equal(valueOf(e, 'connections_closed_total', { protocol: 'rtsp' }), 1);
});

test('bytes that are not RTSP count one protocol error and still reach the server unchanged', async (t) => {
  const harness = createHarness();
  let bytes = 0;
  const server = createServer((socket) => socket.on('data', (chunk: Buffer) => (bytes += chunk.length)));
  const client = await instrumentAndConnect(t, server, harness);
  await once(client, 'connect');
  client.end(Buffer.alloc(100_000, 'x'));
  await waitFor('all bytes', () => bytes === 100_000);
  await waitFor(
    'close',
    async () => valueOf(parseExposition(await harness.scrape()), 'connections_closed_total') === 1,
  );
  const e = parseExposition(await harness.scrape());
  assert.equal(valueOf(e, 'errors_total', { component: 'rtsp', type: 'protocol' }), 1);
  assert.equal(valueOf(e, 'active_connections', { protocol: 'rtsp' }), 0);
});

test('a server that reads with read() and answers with cork()/end(chunk) is observed the same way', async (t) => {
  const harness = createHarness();
  const server = createServer((socket) => {
    let text = '';
    let answered = false;
    socket.on('readable', () => {
      for (let chunk: Buffer | null; (chunk = socket.read() as Buffer | null) !== null;)
        text += chunk.toString();
      if (answered || !text.endsWith('\r\n\r\n')) return;
      answered = true;
      socket.cork(); // two writes in one _writev
      socket.write('RTSP/1.0 404 Not Found\r\n');
      socket.write('CSeq: 1\r\n\r\n');
      socket.uncork();
      socket.end('RTSP/1.0 200 OK\r\nCSeq: 2\r\n\r\n');
    });
  });
  const client = await instrumentAndConnect(t, server, harness);
  let answer = '';
  client.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  client.write('DESCRIBE rtsp://h/nope RTSP/1.0\r\nCSeq: 1\r\n\r\nOPTIONS * RTSP/1.0\r\nCSeq: 2\r\n\r\n');
  await once(client, 'end');
  assert.equal(answer, 'RTSP/1.0 404 Not Found\r\nCSeq: 1\r\n\r\nRTSP/1.0 200 OK\r\nCSeq: 2\r\n\r\n');
  await waitFor(
    'close',
    async () => valueOf(parseExposition(await harness.scrape()), 'connections_closed_total') === 1,
  );
  const e = parseExposition(await harness.scrape());
  assert.equal(valueOf(e, 'rtsp_requests_total', { method: 'DESCRIBE', status: '404' }), 1);
  assert.equal(valueOf(e, 'rtsp_requests_total', { method: 'OPTIONS', status: '200' }), 1);
  assert.equal(valueOf(e, 'errors_total', { component: 'rtsp', type: 'not_found' }), 1);
});
