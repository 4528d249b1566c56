/** What one line of srt-live-transmit's stderr (1.5.1, `-v` for `connecting`/`closing`) says happened. */
export type SrtLiveTransmitLogEvent =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'connected' }
  | { readonly kind: 'disconnected' }
  /** A caller's handshake was refused: libsrt's reason text, the failure is counted at `closing`. */
  | { readonly kind: 'caller-rejected'; readonly reason: string }
  /** A listener refused an incoming connection, e.g. `ERROR:BADSECRET`. */
  | { readonly kind: 'listener-rejected'; readonly reason: string }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'closing' };

const CALLER_REJECTED = /REJECT reported from HS processing: (.+?)(?: - not processing further)?$/;
const LISTENER_REJECTED = /connection rejected due to: (.+)$/;
const REJECT_NAME = /ERROR:([A-Z]+)/;

/** Parses one stderr line; undefined for lines that carry no connection event. */
export function parseLogLine(line: string): SrtLiveTransmitLogEvent | undefined {
  if (line.startsWith('Connecting to ')) return { kind: 'connecting' };
  if (/^(Accepted SRT (source|target) connection|SRT (source|target) connected)/.test(line)) {
    return { kind: 'connected' };
  }
  if (/^SRT (source|target) disconnected/.test(line)) return { kind: 'disconnected' };
  const caller = CALLER_REJECTED.exec(line);
  if (caller) return { kind: 'caller-rejected', reason: caller[1]! };
  const listener = LISTENER_REJECTED.exec(line);
  if (listener) {
    return { kind: 'listener-rejected', reason: REJECT_NAME.exec(listener[1]!)?.[1] ?? listener[1]! };
  }
  if (line.includes('REQUESTED INTERRUPT')) return { kind: 'interrupted' };
  if (line.includes('DESTROYING CONNECTION')) return { kind: 'closing' };
  return undefined;
}
