import type { Socket as UdpSocket } from 'node:dgram';
import type { Server, Socket } from 'node:net';
import { RtspMetrics, type RtspMetricsOptions } from '../rtsp-metrics.js';
import { RtspDialogue } from './dialogue.js';
import { UdpEndpoints } from './udp-endpoints.js';
import { observeUdpSocket } from './udp-socket.js';

export interface RtspServerInstrumentationOptions extends RtspMetricsOptions {
  /** UDP sockets the server sends and receives RTP/RTCP on (more can be added with `observeUdp`). */
  readonly udpSockets?: readonly UdpSocket[];
  /** The stream name of a stream path (`live/cam1`); default: the path itself. */
  readonly streamName?: (path: string) => string;
}

export interface RtspServerInstrumentation {
  /** The hook API behind the instrumentation, for events only the server knows (timeouts, kicks). */
  readonly metrics: RtspMetrics;
  /** Counts RTP/RTCP datagrams of one more UDP socket of the server; returns the function that stops. */
  observeUdp(socket: UdpSocket): () => void;
  /** Stops observing new connections and the UDP sockets; open connections are followed until they close. */
  stop(): void;
}

type Push = Socket['push'];
type WriteChunk = (
  chunk: unknown,
  encoding: BufferEncoding,
  callback: (error?: Error | null) => void,
) => void;
type WriteChunks = (
  chunks: { chunk: unknown; encoding: BufferEncoding }[],
  callback: (error?: Error | null) => void,
) => void;
type SocketInternals = { _write: WriteChunk; _writev?: WriteChunks };

const toBuffer = (chunk: unknown, encoding?: BufferEncoding): Buffer | undefined =>
  Buffer.isBuffer(chunk)
    ? chunk
    : typeof chunk === 'string'
      ? Buffer.from(chunk, encoding)
      : chunk instanceof Uint8Array
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        : undefined;

/** Hands every byte the socket receives and writes to `observe`, unchanged and whatever reads the socket. */
function tapSocket(socket: Socket, fromClient: (b: Buffer) => void, fromServer: (b: Buffer) => void): void {
  const safely = (observe: (b: Buffer) => void, chunk: unknown, encoding?: BufferEncoding) => {
    try {
      const buffer = toBuffer(chunk, encoding);
      if (buffer) observe(buffer);
    } catch {
      // observation must never break the server
    }
  };
  // Incoming bytes all pass through push(), in flowing and paused mode alike.
  const push: Push = socket.push;
  socket.push = function (this: Socket, chunk: unknown, encoding?: BufferEncoding) {
    safely(fromClient, chunk, encoding);
    return push.call(this, chunk, encoding);
  };
  // Outgoing bytes all pass through _write/_writev, whether from write(), end(chunk) or pipe().
  const internals = socket as unknown as SocketInternals;
  const write = internals._write;
  internals._write = function (this: Socket, chunk, encoding, callback) {
    safely(fromServer, chunk, encoding);
    return write.call(this, chunk, encoding, callback);
  };
  const writev = internals._writev;
  if (writev) {
    internals._writev = function (this: Socket, chunks, callback) {
      for (const c of chunks) safely(fromServer, c.chunk, c.encoding);
      return writev.call(this, chunks, callback);
    };
  }
}

/**
 * Instruments an existing `net.Server`-based RTSP server in one call: it follows the RTSP dialogue of every
 * connection (and interleaved RTP/RTCP) on its sockets, and the RTP/RTCP datagrams of `udpSockets`,
 * without changing what the server sends or receives.
 */
export function instrumentRtspServer(
  server: Server,
  options: RtspServerInstrumentationOptions = {},
): RtspServerInstrumentation {
  const metrics = new RtspMetrics(options);
  const endpoints = new UdpEndpoints();
  const streamName = options.streamName ?? ((path: string) => path);
  const stops: (() => void)[] = [];

  const onConnection = (socket: Socket) => {
    const remoteAddress = socket.remoteAddress ?? ''; // unknown peer: its UDP ports match nothing
    const dialogue = new RtspDialogue(metrics.connectionOpened(), endpoints, remoteAddress, streamName);
    tapSocket(
      socket,
      (b) => dialogue.fromClient(b),
      (b) => dialogue.fromServer(b),
    );
    let failure: unknown;
    const destroy = socket.destroy;
    socket.destroy = function (this: Socket, error?: Error) {
      failure ??= error; // node destroys a socket with the error that ended it (ECONNRESET, EPIPE …)
      return destroy.call(this, error);
    };
    socket.once('close', (hadError) =>
      dialogue.close(hadError ? (failure ?? new Error('closed')) : undefined),
    );
  };
  server.prependListener('connection', onConnection);

  const observeUdp = (socket: UdpSocket) => {
    const stop = observeUdpSocket(socket, endpoints);
    stops.push(stop);
    return stop;
  };
  for (const socket of options.udpSockets ?? []) observeUdp(socket);

  return {
    metrics,
    observeUdp,
    stop() {
      server.off('connection', onConnection);
      for (const stop of stops.splice(0)) stop();
    },
  };
}
