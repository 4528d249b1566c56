import { createSocket } from 'node:dgram';
import { Server, Socket } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { createRtspMetrics, instrumentRtspServer } from '@flux-metrics/rtsp';
import { createHarness } from '../test/support/harness.ts';
import type { BenchCase } from './case.ts';

// A real provider with a Prometheus reader attached: without one the SDK skips attribute work.
const { provider } = createHarness();
const stream = Object.freeze({ protocol: 'rtsp', stream_name: 'cam1' });
const PACKET = 1316;

// Hook API: a playing and a publishing session of the same stream.
const rtsp = createRtspMetrics({ meterProvider: provider });
const connection = rtsp.connectionOpened();
const player = connection.session({ streamName: 'cam1' });
player.start('play');
player.rtpSent(PACKET); // the first packet ends stream-start timing; later ones are the hot path
const publisher = connection.session({ streamName: 'cam1', mode: 'record' });
publisher.start('record');
publisher.rtpReceived(PACKET);

// The per-packet alternatives the helper avoids: an OTel add() and a prom-client inc() per packet.
const meter = provider.getMeter('bench-rtsp');
const otelPackets = meter.createCounter('bench_rtsp_packets');
const otelBytes = meter.createCounter('bench_rtsp_bytes');
const registry = new Registry();
const labelNames = ['protocol', 'stream_name'];
const promPackets = new Counter({ name: 'bench_rtsp_packets', help: 'h', labelNames, registers: [registry] });
const promBytes = new Counter({ name: 'bench_rtsp_bytes', help: 'h', labelNames, registers: [registry] });
const promPacketsChild = promPackets.labels(stream);
const promBytesChild = promBytes.labels(stream);

// One-call instrumentation, driven without a network: a SETUP over UDP client ports 5000-5001, then the
// server's UDP socket "receives" RTP from port 5000 and its TCP socket receives interleaved frames.
const server = new Server();
const udp = createSocket('udp4');
instrumentRtspServer(server, { meterProvider: provider, udpSockets: [udp] });
const socket = new Socket();
server.emit('connection', socket);
socket.resume(); // flowing with no reader: pushed bytes are dropped after observation
const wire = socket as unknown as { _write(chunk: Buffer, encoding: string, cb: () => void): void };
const exchange = (request: string, response: string) => {
  socket.push(Buffer.from(request));
  wire._write(Buffer.from(response), 'buffer', () => {});
};
exchange('ANNOUNCE rtsp://h/cam1 RTSP/1.0\r\nCSeq: 1\r\n\r\n', 'RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n');
exchange(
  'SETUP rtsp://h/cam1/streamid=0 RTSP/1.0\r\nCSeq: 2\r\nTransport: RTP/AVP/UDP;client_port=5000-5001;mode=record\r\n\r\n',
  'RTSP/1.0 200 OK\r\nCSeq: 2\r\nSession: s1\r\nTransport: RTP/AVP/UDP;unicast;client_port=5000-5001;mode=record\r\n\r\n',
);
exchange(
  'SETUP rtsp://h/cam1/streamid=1 RTSP/1.0\r\nCSeq: 3\r\nSession: s1\r\nTransport: RTP/AVP/TCP;interleaved=0-1;mode=record\r\n\r\n',
  'RTSP/1.0 200 OK\r\nCSeq: 3\r\nSession: s1\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=record\r\n\r\n',
);
exchange(
  'RECORD rtsp://h/cam1 RTSP/1.0\r\nCSeq: 4\r\nSession: s1\r\n\r\n',
  'RTSP/1.0 200 OK\r\nCSeq: 4\r\n\r\n',
);
const rtp = Buffer.alloc(PACKET, 0x80);
const from = { address: '127.0.0.1', family: 'IPv4' as const, port: 5000, size: PACKET };
const interleaved = Buffer.concat([Buffer.from([0x24, 0, PACKET >> 8, PACKET & 0xff]), rtp]);
const unobserved = createSocket('udp4');
unobserved.on('message', () => {});
udp.on('message', () => {}); // the server's own listener

const receiverReport = Buffer.from('81c90007000004570000045a1000000300000200000023280000000000000000', 'hex');

export const cases: BenchCase[] = [
  { group: 'per packet', name: 'hook session.rtpSent', op: () => player.rtpSent(PACKET) },
  { group: 'per packet', name: 'hook session.rtpReceived', op: () => publisher.rtpReceived(PACKET) },
  {
    group: 'per packet',
    name: 'hook rtpReceived + sampled fan-out timing',
    op: () => {
      const t = publisher.processingStarted();
      publisher.rtpReceived(PACKET);
      publisher.processingEnded(t);
    },
  },
  {
    group: 'per packet',
    name: 'OTel counter.add x2 (packets, bytes)',
    op: () => {
      otelPackets.add(1, stream);
      otelBytes.add(PACKET, stream);
    },
  },
  {
    group: 'per packet',
    name: 'prom-client child.inc x2',
    op: () => {
      promPacketsChild.inc();
      promBytesChild.inc(PACKET);
    },
  },
  {
    group: 'per packet',
    name: 'prom-client inc(labels) x2',
    op: () => {
      promPackets.inc(stream);
      promBytes.inc(stream, PACKET);
    },
  },
  {
    group: 'per packet, one-call instrumentation',
    name: "UDP 'message' emit, not observed",
    op: () => void unobserved.emit('message', rtp, from),
  },
  {
    group: 'per packet, one-call instrumentation',
    name: "UDP 'message' emit, observed",
    op: () => void udp.emit('message', rtp, from),
  },
  {
    group: 'per packet, one-call instrumentation',
    name: 'TCP interleaved frame, observed push',
    op: () => void socket.push(interleaved),
  },
  {
    group: 'per RTCP packet',
    name: 'rtcpReceived (RR: loss, jitter, RTT)',
    op: () => player.rtcpReceived(receiverReport),
  },
  {
    group: 'per session',
    name: 'open + SETUP + PLAY + TEARDOWN + close',
    op: () => {
      const c = rtsp.connectionOpened();
      const s = c.session({ streamName: 'cam2' });
      s.start();
      s.rtpSent(PACKET);
      s.end('teardown');
      c.close();
    },
  },
];
