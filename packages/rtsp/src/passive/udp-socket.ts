import type { RemoteInfo, Socket } from 'node:dgram';
import type { RtspSessionObserver } from '../session.js';
import type { UdpEndpoints } from './udp-endpoints.js';

type SendArgs = Parameters<Socket['send']>;

function byteLength(message: unknown): number {
  if (typeof message === 'string') return Buffer.byteLength(message);
  if (Array.isArray(message)) return message.reduce((sum: number, part) => sum + byteLength(part), 0);
  return ArrayBuffer.isView(message) ? message.byteLength : 0;
}

/**
 * Counts the RTP and RTCP datagrams a UDP socket of the server sends to and receives from the client ports
 * that SETUP announced. It adds a `message` listener and wraps `send` of this socket; what is sent and
 * received is unchanged. Returns the function that stops observing.
 */
export function observeUdpSocket(socket: Socket, endpoints: UdpEndpoints): () => void {
  // Listeners run in order: ours first, the server's, then `onHandled`, which times the server's handling.
  let handled: RtspSessionObserver | undefined;
  let handling = 0;
  const onMessage = (message: Buffer, from: RemoteInfo) => {
    const flow = endpoints.find(from.address, from.port);
    if (flow === undefined) return;
    const session = flow.track.session;
    if (flow.rtcp) return session.rtcpReceived(message, flow.track.clockRate);
    session.rtpReceived(message.length);
    handling = session.processingStarted();
    if (handling !== 0) handled = session;
  };
  const onHandled = () => {
    if (handled === undefined) return;
    handled.processingEnded(handling);
    handled = undefined;
  };

  const countSent = (args: SendArgs) => {
    const [message, a, b, c, d] = args as unknown[];
    const withRange = typeof a === 'number' && typeof b === 'number';
    let port = withRange ? c : a;
    let address = withRange ? d : b;
    if (typeof port !== 'number') {
      const peer = socket.remoteAddress(); // connected socket: throws when not connected
      port = peer.port;
      address = peer.address;
    }
    const flow = endpoints.find(typeof address === 'string' ? address : '127.0.0.1', port as number);
    if (flow === undefined) return;
    const bytes = withRange ? (b as number) : byteLength(message);
    if (!flow.rtcp) return flow.track.session.rtpSent(bytes);
    // Sender reports are read for their send time: RTT is measured against it.
    const packet = ArrayBuffer.isView(message)
      ? new Uint8Array(message.buffer, message.byteOffset + (withRange ? (a as number) : 0), bytes)
      : undefined;
    flow.track.session.rtcpSent(bytes, packet);
  };

  const send = socket.send;
  socket.send = function (this: Socket, ...args: SendArgs) {
    try {
      countSent(args);
    } catch {
      // never let observation break the server's send
    }
    return Reflect.apply(send, this, args) as void;
  } as Socket['send'];
  socket.prependListener('message', onMessage);
  socket.on('message', onHandled);

  return () => {
    socket.off('message', onMessage);
    socket.off('message', onHandled);
    socket.send = send;
  };
}
