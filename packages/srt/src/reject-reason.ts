import { SRT_REJECT_REASONS, type ErrorType } from '@flux-metrics/core';

export type SrtRejectReason = (typeof SRT_REJECT_REASONS)[number];

/** libsrt `srt_rejectreason_str()` texts (1.5.x), in SRT_REJ_* code order, for log lines that carry them. */
const REASON_TEXTS: readonly (readonly [RegExp, SrtRejectReason])[] = [
  [/incorrect passphrase/i, 'badsecret'],
  [/password required or unexpected/i, 'unsecure'],
  [/connection timeout|timed out/i, 'timeout'],
  [/backlog/i, 'backlog'],
  [/peer rejected/i, 'peer'],
  [/resource allocation/i, 'resource'],
  [/rogue peer|incorrect parameters/i, 'rogue'],
  [/internal program error/i, 'ipe'],
  [/being closed/i, 'close'],
  [/version too old/i, 'version'],
  [/rendezvous/i, 'rdvcookie'],
  [/messageapi|streamapi/i, 'messageapi'],
  [/congestion controller/i, 'congestion'],
  [/packet filter/i, 'filter'],
  [/group settings/i, 'group'],
  [/crypto/i, 'crypto'],
  [/system call/i, 'system'],
];

/**
 * The bounded reason label of a rejection: an `SRT_REJ_*` name (`BADSECRET`, `SRT_REJ_BADSECRET`), a
 * libsrt reject code (1000 + code is the wire form), or a libsrt reason text. Anything else is `unknown`.
 */
export function srtRejectReason(reason: string | number): SrtRejectReason {
  if (typeof reason === 'number') {
    const code = reason >= 1000 ? reason - 1000 : reason;
    // Codes 0..17 are SRT_REJ_UNKNOWN..SRT_REJ_CRYPTO, in the vocabulary's order; `other` is not a code.
    const known = code < SRT_REJECT_REASONS.length - 1 ? SRT_REJECT_REASONS[code] : undefined;
    return known ?? 'unknown';
  }
  const name = reason
    .trim()
    .toLowerCase()
    .replace(/^srt_rej_/, '');
  if ((SRT_REJECT_REASONS as readonly string[]).includes(name)) return name as SrtRejectReason;
  for (const [pattern, value] of REASON_TEXTS) if (pattern.test(reason)) return value;
  return 'unknown';
}

/** The bounded error type counted in errors_total{component="srt"} for a failed connection. */
export function errorTypeOfReject(reason: SrtRejectReason): ErrorType {
  switch (reason) {
    case 'badsecret':
    case 'unsecure':
    case 'crypto':
      return 'auth';
    case 'timeout':
      return 'timeout';
    case 'backlog':
    case 'resource':
      return 'overload';
    case 'system':
      return 'network';
    case 'unknown':
    case 'other':
      return 'other';
    default:
      return 'protocol';
  }
}
