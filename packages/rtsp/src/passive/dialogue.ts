import type { StopReason } from '@flux-metrics/core';
import { errorTypeOfSocketError } from '../error-type.js';
import type { RtspConnectionObserver, RtspRequestTimer } from '../connection.js';
import type { RtspSessionObserver } from '../session.js';
import { requestLine, responseStatus, sessionId, type RtspMessage } from '../wire/message.js';
import { RtspWireParser } from '../wire/parser.js';
import { parseSdpTracks } from '../wire/sdp.js';
import { parseTransport } from '../wire/transport.js';
import type { MediaFlow } from './media-track.js';
import { Descriptions, pathOf } from './stream-path.js';
import type { UdpEndpoints } from './udp-endpoints.js';

interface PendingRequest {
  readonly timer: RtspRequestTimer;
  readonly method: string;
  readonly url: string;
  readonly message: RtspMessage;
}

interface DialogueSession {
  readonly observer: RtspSessionObserver;
  readonly channels: number[];
  readonly removers: (() => void)[];
}

/** Requests kept waiting for their response; a client that pipelines more is not a real RTSP client. */
const MAX_PENDING = 64;

/**
 * Follows the RTSP dialogue of one connection from both byte streams: times each request until its
 * response, and turns successful SETUP, PLAY, RECORD and TEARDOWN into session hooks; interleaved frames
 * and the UDP ports of SETUP are mapped to their session's packet hooks.
 */
export class RtspDialogue {
  readonly #connection: RtspConnectionObserver;
  readonly #endpoints: UdpEndpoints;
  readonly #remoteAddress: string;
  readonly #streamName: (path: string) => string;
  readonly #pending = new Map<string, PendingRequest>();
  readonly #descriptions = new Descriptions();
  readonly #sessions = new Map<string, DialogueSession>();
  readonly #channels = new Map<number, MediaFlow>();
  readonly #fromClient: RtspWireParser;
  readonly #fromServer: RtspWireParser;

  constructor(
    connection: RtspConnectionObserver,
    endpoints: UdpEndpoints,
    remoteAddress: string,
    streamName: (path: string) => string,
  ) {
    this.#connection = connection;
    this.#endpoints = endpoints;
    this.#remoteAddress = remoteAddress;
    this.#streamName = streamName;
    const channels = this.#channels;
    const malformed = () => connection.error('protocol');
    this.#fromClient = new RtspWireParser({
      message: (m) => this.#request(m),
      frame(channel, length) {
        const flow = channels.get(channel);
        if (flow === undefined || flow.rtcp) return flow !== undefined;
        flow.track.session.rtpReceived(length);
        return false;
      },
      framePayload(channel, payload) {
        const flow = channels.get(channel);
        flow?.track.session.rtcpReceived(payload, flow.track.clockRate);
      },
      malformed,
    });
    this.#fromServer = new RtspWireParser({
      message: (m) => this.#response(m),
      frame(channel, length) {
        const flow = channels.get(channel);
        if (flow === undefined || flow.rtcp) return flow !== undefined;
        flow.track.session.rtpSent(length);
        return false;
      },
      framePayload(channel, payload) {
        // Sender reports are read for their send time: RTT is measured against it.
        channels.get(channel)?.track.session.rtcpSent(payload.length, payload);
      },
      malformed,
    });
  }

  fromClient(chunk: Buffer): void {
    this.#fromClient.push(chunk);
  }

  fromServer(chunk: Buffer): void {
    this.#fromServer.push(chunk);
  }

  /** The socket closed, after `error` if it was destroyed by one: sessions end, the connection is closed. */
  close(error?: unknown): void {
    const reason = error === undefined ? 'disconnected' : 'error';
    for (const id of [...this.#sessions.keys()]) this.#endSession(id, reason);
    if (error !== undefined) this.#connection.error(errorTypeOfSocketError(error));
    this.#connection.close(reason);
  }

  #request(message: RtspMessage): void {
    const line = requestLine(message.startLine);
    if (line === undefined) return; // the client answering a server request
    const method = line.method.toUpperCase();
    const cseq = message.headers.get('cseq') ?? '';
    if (this.#pending.size >= MAX_PENDING) this.#pending.delete(this.#pending.keys().next().value ?? '');
    this.#pending.set(cseq, { timer: this.#connection.request(method), method, url: line.url, message });
  }

  #response(message: RtspMessage): void {
    const status = responseStatus(message.startLine);
    if (Number.isNaN(status)) return; // a request of the server to the client
    const cseq = message.headers.get('cseq') ?? this.#pending.keys().next().value;
    const pending = cseq === undefined ? undefined : this.#pending.get(cseq);
    if (pending === undefined) return;
    this.#pending.delete(cseq!);
    pending.timer.respond(status);
    if (status < 200 || status >= 300) return;
    const sessionHeader = sessionId(pending.message.headers.get('session'));
    switch (pending.method) {
      case 'ANNOUNCE':
        this.#describe(pathOf(pending.url), pending.message.body);
        break;
      case 'DESCRIBE':
        this.#describe(pathOf(message.headers.get('content-base') ?? pending.url), message.body);
        break;
      case 'SETUP':
        this.#setup(pending, message);
        break;
      case 'PLAY':
      case 'RECORD':
        if (sessionHeader !== undefined) {
          this.#sessions.get(sessionHeader)?.observer.start(pending.method === 'PLAY' ? 'play' : 'record');
        }
        break;
      case 'TEARDOWN':
        if (sessionHeader !== undefined) this.#endSession(sessionHeader, 'teardown');
        break;
    }
  }

  #describe(path: string, body: Buffer): void {
    this.#descriptions.set(path, parseSdpTracks(body.toString('utf8')));
  }

  #setup(pending: PendingRequest, response: RtspMessage): void {
    const id = sessionId(response.headers.get('session') ?? pending.message.headers.get('session'));
    const header = response.headers.get('transport') ?? pending.message.headers.get('transport');
    if (id === undefined || header === undefined) return;
    const transport = parseTransport(header);
    const requested = parseTransport(pending.message.headers.get('transport') ?? '');
    const { streamPath, clockRate } = this.#descriptions.locate(pathOf(pending.url));
    let session = this.#sessions.get(id);
    if (session === undefined) {
      const mode = requested.mode === 'record' || transport.mode === 'record' ? 'record' : 'play';
      const observer = this.#connection.session({ streamName: this.#streamName(streamPath), mode });
      session = { observer, channels: [], removers: [] };
      this.#sessions.set(id, session);
    }
    const track = { session: session.observer, clockRate };
    if (transport.tcp && transport.interleaved) {
      const [rtp, rtcp] = transport.interleaved;
      this.#channels.set(rtp, { track, rtcp: false });
      this.#channels.set(rtcp, { track, rtcp: true });
      session.channels.push(rtp, rtcp);
    } else if (transport.clientPort) {
      const address = transport.destination ?? this.#remoteAddress;
      session.removers.push(this.#endpoints.add(address, transport.clientPort, track));
    }
  }

  #endSession(id: string, reason: StopReason): void {
    const session = this.#sessions.get(id);
    if (session === undefined) return;
    this.#sessions.delete(id);
    for (const channel of session.channels) this.#channels.delete(channel);
    for (const remove of session.removers) remove();
    session.observer.end(reason);
  }
}
