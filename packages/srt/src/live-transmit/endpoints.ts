import {
  startSrtLiveTransmit,
  type SrtLiveTransmitProcess,
  type SrtLiveTransmitStartOptions,
} from './process.js';

/** SRT socket options that go into an srt-live-transmit URI. */
export interface SrtEndpoint {
  readonly host?: string;
  readonly port: number;
  /** SRTO_LATENCY in milliseconds (srt-live-transmit's unit; ffmpeg's `latency` is in microseconds). */
  readonly latencyMs?: number;
  readonly passphrase?: string;
  /** SRTO_STREAMID, e.g. `publish:cam1`. */
  readonly streamId?: string;
}

type Common = Omit<SrtLiveTransmitStartOptions, 'input' | 'output' | 'direction'>;

/** `srt://host:port?mode=…&latency=…` for srt-live-transmit. */
export function srtUri(mode: 'listener' | 'caller', endpoint: SrtEndpoint): string {
  const query = new URLSearchParams({ mode });
  if (endpoint.latencyMs !== undefined) query.set('latency', String(endpoint.latencyMs));
  if (endpoint.passphrase !== undefined) query.set('passphrase', endpoint.passphrase);
  if (endpoint.streamId !== undefined) query.set('streamid', endpoint.streamId);
  return `srt://${endpoint.host ?? '127.0.0.1'}:${endpoint.port}?${query}`;
}

/**
 * An SRT ingest: srt-live-transmit listening on `listen` and forwarding the media to `output` (e.g.
 * `udp://127.0.0.1:5002`), its connections counted as receiving streams.
 */
export function startSrtListener(
  options: Common & { readonly listen: SrtEndpoint; readonly output: string },
): Promise<SrtLiveTransmitProcess> {
  const { listen, ...rest } = options;
  return startSrtLiveTransmit({ ...rest, input: srtUri('listener', listen), direction: 'receive' });
}

/**
 * An SRT publisher: srt-live-transmit reading `input` (e.g. `udp://127.0.0.1:5000`, fed by a UDP sender
 * or `ffmpeg … -f mpegts udp://127.0.0.1:5000?pkt_size=1316`) and calling `target`.
 */
export function startSrtCaller(
  options: Common & { readonly input: string; readonly target: SrtEndpoint },
): Promise<SrtLiveTransmitProcess> {
  const { target, ...rest } = options;
  return startSrtLiveTransmit({ ...rest, output: srtUri('caller', target), direction: 'send' });
}
