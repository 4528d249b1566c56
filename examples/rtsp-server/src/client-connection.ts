import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { PlayerTrack, trackControls, type MediaOutput, type TrackTransport } from './media.js';
import { RequestReader, type RtspRequest } from './request-reader.js';
import { LiveStream, type Player } from './stream.js';

/** What connections share: the live streams and the server's UDP media ports. */
export interface ServerContext {
  readonly streams: Map<string, LiveStream>;
  /** Publisher RTP sources by `address:port`, fed by the server's RTP socket. */
  readonly udpSources: Map<string, (packet: Buffer) => void>;
  readonly udpOutput: MediaOutput;
  /** Whether RTP/AVP/TCP is accepted; otherwise it is answered 461 Unsupported Transport. */
  readonly interleaved: boolean;
  readonly serverPorts: readonly [number, number];
}

interface Session {
  readonly id: string;
  readonly role: 'publish' | 'play';
  readonly stream: LiveStream;
  readonly tracks: Map<number, PlayerTrack>;
  readonly transports: Map<number, TrackTransport>;
  player?: Player;
  started: boolean;
}

type Reply = { status: number; headers?: Record<string, string | number>; body?: string };

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  454: 'Session Not Found',
  455: 'Method Not Valid in This State',
  461: 'Unsupported Transport',
  501: 'Not Implemented',
};
const PUBLIC = 'OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, TEARDOWN, GET_PARAMETER';

/** `rtsp://host:8554/live/cam1/` → `live/cam1`. */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname.replace(/^\/+|\/+$/g, '');
  } catch {
    return '';
  }
}

/** `client_port=5000-5001` → [5000, 5001]. */
function ports(value: string | undefined): [number, number] | undefined {
  const [a, b] = (value ?? '').split('-').map(Number);
  return Number.isInteger(a) && Number.isInteger(b) ? [a!, b!] : undefined;
}

/**
 * One client: a publisher (ANNOUNCE, SETUP with mode=record, RECORD) or a player (DESCRIBE, SETUP, PLAY).
 * Media goes over UDP (client_port) or interleaved on this connection (RTP/AVP/TCP); multicast is refused.
 */
export class ClientConnection {
  readonly #socket: Socket;
  readonly #context: ServerContext;
  readonly #reader: RequestReader;
  readonly #tcpOutput: MediaOutput;
  #announced: LiveStream | undefined;
  #session: Session | undefined;
  #interleavedTracks = new Map<number, number>();

  constructor(socket: Socket, context: ServerContext) {
    this.#socket = socket;
    this.#context = context;
    const frame = (channel: number, packet: Buffer) => {
      const header = Buffer.from([0x24, channel, packet.length >> 8, packet.length & 0xff]);
      if (socket.writable) socket.write(Buffer.concat([header, packet]));
    };
    this.#tcpOutput = {
      rtp: (t, packet) => t.kind === 'tcp' && frame(t.rtpChannel, packet),
      rtcp: (t, packet) => t.kind === 'tcp' && frame(t.rtcpChannel, packet),
    };
    this.#reader = new RequestReader({
      request: (request) => this.#reply(request, this.#handle(request)),
      interleaved: (channel, packet) => this.#interleaved(channel, packet),
      invalid: () => socket.destroy(),
    });
    socket.on('data', (chunk) => this.#reader.read(chunk));
    socket.on('close', () => this.#endSession());
    socket.on('error', () => socket.destroy());
  }

  #reply(request: RtspRequest, reply: Reply): void {
    const lines = [`RTSP/1.0 ${reply.status} ${REASONS[reply.status] ?? 'Error'}`];
    lines.push(`CSeq: ${request.headers.get('cseq') ?? 0}`, 'Server: flux-metrics-example');
    if (this.#session) lines.push(`Session: ${this.#session.id};timeout=60`);
    for (const [name, value] of Object.entries(reply.headers ?? {})) lines.push(`${name}: ${value}`);
    const body = reply.body ?? '';
    if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    if (this.#socket.writable) this.#socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  }

  #handle(request: RtspRequest): Reply {
    const path = pathOf(request.url);
    switch (request.method) {
      case 'OPTIONS':
        return { status: 200, headers: { Public: PUBLIC } };
      case 'GET_PARAMETER':
        return { status: 200 };
      case 'DESCRIBE': {
        const stream = this.#context.streams.get(path);
        if (!stream) return { status: 404 };
        const headers = {
          'Content-Base': `${request.url.replace(/\/$/, '')}/`,
          'Content-Type': 'application/sdp',
        };
        return { status: 200, headers, body: stream.sdp };
      }
      case 'ANNOUNCE':
        if (this.#context.streams.has(path)) return { status: 403 }; // someone publishes it already
        this.#announced = new LiveStream(path, request.body, trackControls(request.body));
        return { status: 200 };
      case 'SETUP':
        return this.#setup(request, path);
      case 'PLAY':
      case 'RECORD':
        return this.#start(request.method === 'PLAY' ? 'play' : 'publish');
      case 'TEARDOWN':
        this.#endSession();
        return { status: 200 };
      default:
        return { status: 501 };
    }
  }

  #setup(request: RtspRequest, path: string): Reply {
    const spec = request.headers.get('transport') ?? '';
    const params = new Map(
      spec
        .split(',')[0]!
        .split(';')
        .map((p) => p.trim().split('=') as [string, string | undefined]),
    );
    const protocol = spec.split(';')[0]?.trim().toUpperCase() ?? '';
    const tcp = protocol.endsWith('/TCP');
    const unsupported =
      !protocol.startsWith('RTP/AVP') || params.has('multicast') || (tcp && !this.#context.interleaved);
    if (unsupported) return { status: 461 };
    const publishing = /record/i.test(params.get('mode') ?? '');
    const stream = publishing ? this.#announced : this.#liveStreamOf(path);
    const index = stream?.trackIndex(path) ?? -1;
    if (!stream || index < 0) return { status: 404 };
    const role = publishing ? 'publish' : 'play';
    if (this.#session && (this.#session.role !== role || this.#session.stream !== stream))
      return { status: 455 };

    let transport: TrackTransport;
    let answer: string;
    if (tcp) {
      const [rtpChannel, rtcpChannel] = ports(params.get('interleaved')) ?? [index * 2, index * 2 + 1];
      transport = { kind: 'tcp', rtpChannel, rtcpChannel };
      answer = `RTP/AVP/TCP;unicast;interleaved=${rtpChannel}-${rtcpChannel}`;
    } else {
      const clientPorts = ports(params.get('client_port'));
      if (!clientPorts) return { status: 461 };
      const address = (this.#socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
      transport = { kind: 'udp', address, rtpPort: clientPorts[0], rtcpPort: clientPorts[1] };
      const [rtp, rtcp] = this.#context.serverPorts;
      answer = `RTP/AVP/UDP;unicast;client_port=${clientPorts.join('-')};server_port=${rtp}-${rtcp}`;
    }
    this.#session ??= {
      id: randomBytes(8).toString('hex'),
      role,
      stream,
      tracks: new Map(),
      transports: new Map(),
      started: false,
    };
    this.#session.transports.set(index, transport);
    if (role === 'play') {
      const output = transport.kind === 'tcp' ? this.#tcpOutput : this.#context.udpOutput;
      this.#session.tracks.set(index, new PlayerTrack(transport, output));
    }
    return { status: 200, headers: { Transport: publishing ? `${answer};mode=record` : answer } };
  }

  #start(role: Session['role']): Reply {
    const session = this.#session;
    if (!session) return { status: 454 };
    if (session.role !== role) return { status: 455 };
    if (session.started) return { status: 200 };
    session.started = true;
    if (role === 'play') {
      session.player = { tracks: session.tracks, disconnect: () => this.#socket.destroy() };
      session.stream.players.add(session.player);
      return { status: 200, headers: { Range: 'npt=0.000-' } };
    }
    this.#context.streams.set(session.stream.name, session.stream);
    for (const [index, t] of session.transports) {
      if (t.kind === 'udp') {
        this.#context.udpSources.set(`${t.address}:${t.rtpPort}`, (p) => session.stream.forward(index, p));
      } else {
        this.#interleavedTracks.set(t.rtpChannel, index);
      }
    }
    return { status: 200 };
  }

  /** The live stream a SETUP path (`cam1/streamid=0` or `cam1`) belongs to. */
  #liveStreamOf(path: string): LiveStream | undefined {
    for (const [name, stream] of this.#context.streams) {
      if (path === name || path.startsWith(`${name}/`)) return stream;
    }
    return undefined;
  }

  #interleaved(channel: number, packet: Buffer): void {
    const index = this.#interleavedTracks.get(channel);
    if (index !== undefined && this.#session?.role === 'publish') this.#session.stream.forward(index, packet);
  }

  /** TEARDOWN or close: a publisher's stream ends (its players are disconnected), a player leaves. */
  #endSession(): void {
    const session = this.#session;
    if (!session) return;
    this.#session = undefined;
    this.#interleavedTracks.clear();
    if (session.role === 'play') {
      if (session.player) session.stream.players.delete(session.player);
      return;
    }
    for (const t of session.transports.values()) {
      if (t.kind === 'udp') this.#context.udpSources.delete(`${t.address}:${t.rtpPort}`);
    }
    if (this.#context.streams.get(session.stream.name) === session.stream) {
      this.#context.streams.delete(session.stream.name);
      for (const player of session.stream.players) player.disconnect();
    }
  }
}
