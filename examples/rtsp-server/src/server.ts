import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import type { MeterProvider } from '@opentelemetry/api';
import { instrumentRtspServer, type RtspServerInstrumentation } from '@flux-metrics/rtsp';
import { ClientConnection, type ServerContext } from './client-connection.js';
import type { MediaOutput } from './media.js';
import type { LiveStream } from './stream.js';

export interface RtspServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** RTSP port, default 8554 (0 picks a free one). */
  readonly port?: number;
  /** UDP port for RTP; RTCP uses the next one (ffmpeg assumes so). Default: a free pair. */
  readonly rtpPort?: number;
  /** How often players get an RTCP sender report (default 1000 ms), so their receiver reports carry RTT. */
  readonly senderReportIntervalMs?: number;
  /** Accept RTP/AVP/TCP (interleaved) transports; default false: answered 461, like UDP-only servers. */
  readonly interleaved?: boolean;
  /** Instrument the server with @flux-metrics/rtsp (default true). */
  readonly metrics?: boolean;
  /** MeterProvider for the metrics (default the global one). */
  readonly meterProvider?: MeterProvider;
}

export interface LiveStreamInfo {
  readonly name: string;
  readonly url: string;
  readonly players: number;
}

export interface RunningRtspServer {
  readonly host: string;
  readonly port: number;
  /** `rtsp://host:port/<name>` */
  url(name: string): string;
  /** Streams being published now. */
  streams(): LiveStreamInfo[];
  /** The helper's instrumentation, when metrics are on. */
  readonly instrumentation: RtspServerInstrumentation | undefined;
  close(): Promise<void>;
}

async function bindUdp(host: string, port: number): Promise<UdpSocket> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.bind(port, host);
  await once(socket, 'listening'); // rejects with the bind error
  return socket;
}

/** RTP on `rtpPort` (or a free port) and RTCP on the port after it, as RTP/AVP clients expect. */
async function bindPortPair(host: string, rtpPort: number): Promise<[UdpSocket, UdpSocket]> {
  for (let attempt = 0; ; attempt++) {
    const rtp = await bindUdp(host, rtpPort);
    try {
      return [rtp, await bindUdp(host, rtp.address().port + 1)];
    } catch (error) {
      rtp.close();
      if (rtpPort !== 0 || attempt === 20) throw error;
    }
  }
}

/** Starts the example RTSP relay: publish with ANNOUNCE/RECORD to `rtsp://host:port/<name>`, play it back. */
export async function startRtspServer(options: RtspServerOptions = {}): Promise<RunningRtspServer> {
  const host = options.host ?? '127.0.0.1';
  const [rtp, rtcp] = await bindPortPair(host, options.rtpPort ?? 0);
  const udpOutput: MediaOutput = {
    rtp: (t, packet) => t.kind === 'udp' && rtp.send(packet, t.rtpPort, t.address),
    rtcp: (t, packet) => t.kind === 'udp' && rtcp.send(packet, t.rtcpPort, t.address),
  };
  const context: ServerContext = {
    streams: new Map<string, LiveStream>(),
    udpSources: new Map(),
    udpOutput,
    interleaved: options.interleaved ?? false,
    serverPorts: [rtp.address().port, rtcp.address().port],
  };
  rtp.on('message', (packet, from) => context.udpSources.get(`${from.address}:${from.port}`)?.(packet));
  rtcp.on('message', () => {}); // receiver reports of players and sender reports of publishers: metrics only

  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    new ClientConnection(socket, context);
  });
  const instrumentation =
    options.metrics === false
      ? undefined
      : instrumentRtspServer(server, { udpSockets: [rtp, rtcp], meterProvider: options.meterProvider });

  const reports = setInterval(
    () => context.streams.forEach((s) => s.sendSenderReports()),
    options.senderReportIntervalMs ?? 1000,
  );
  reports.unref();

  server.listen(options.port ?? 8554, host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = (name: string) => `rtsp://${host.includes(':') ? `[${host}]` : host}:${port}/${name}`;

  return {
    host,
    port,
    url,
    instrumentation,
    streams: () =>
      [...context.streams.values()].map((s) => ({ name: s.name, url: url(s.name), players: s.players.size })),
    async close() {
      clearInterval(reports);
      instrumentation?.stop();
      const closed = once(server, 'close');
      server.close();
      for (const socket of sockets) socket.destroy();
      await closed;
      rtp.close();
      rtcp.close();
    },
  };
}
