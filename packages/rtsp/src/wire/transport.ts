/** The parts of an RTSP Transport header (RFC 2326 §12.39) that locate a track's RTP and RTCP. */
export interface TransportSpec {
  /** RTP/AVP/TCP: media is interleaved on the RTSP connection. */
  readonly tcp: boolean;
  readonly multicast: boolean;
  /** `interleaved=0-1`: RTP and RTCP channels. */
  readonly interleaved?: readonly [number, number];
  /** `client_port=5000-5001`: the client's RTP and RTCP ports. */
  readonly clientPort?: readonly [number, number];
  readonly destination?: string;
  /** `mode=record` (publishers) or `mode=play`. */
  readonly mode?: string;
}

function pair(value: string | undefined): [number, number] | undefined {
  if (value === undefined) return undefined;
  const [a, b] = value.split('-').map(Number);
  if (a === undefined || !Number.isInteger(a)) return undefined;
  return [a, b !== undefined && Number.isInteger(b) ? b : a + 1];
}

/** Reads the first transport of a Transport header (a response names exactly one). */
export function parseTransport(header: string): TransportSpec {
  const [first = ''] = header.split(',');
  const [protocol = '', ...parameters] = first.split(';').map((p) => p.trim());
  const values = new Map<string, string>();
  for (const parameter of parameters) {
    const eq = parameter.indexOf('=');
    const name = (eq < 0 ? parameter : parameter.slice(0, eq)).toLowerCase();
    values.set(name, eq < 0 ? '' : parameter.slice(eq + 1).replace(/"/g, ''));
  }
  return {
    tcp: protocol.toUpperCase().endsWith('/TCP'),
    multicast: values.has('multicast'),
    interleaved: pair(values.get('interleaved')),
    clientPort: pair(values.get('client_port')),
    destination: values.get('destination') || undefined,
    mode: values.get('mode')?.toLowerCase(),
  };
}
