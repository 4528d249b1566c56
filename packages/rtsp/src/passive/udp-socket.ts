import type { RemoteInfo, Socket } from 'node:dgram';
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
  const onMessage = (message: Buffer, from: RemoteInfo) => {
    const flow = endpoints.find(from.address, from.port);
    if (flow === undefined) return;
    if (flow.rtcp) flow.track.session.rtcpReceived(message, flow.track.clockRate);
    else flow.track.session.rtpReceived(message.length);
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
    if (flow.rtcp) flow.track.session.rtcpSent(bytes);
    else flow.track.session.rtpSent(bytes);
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

  return () => {
    socket.off('message', onMessage);
    socket.send = send;
  };
}
