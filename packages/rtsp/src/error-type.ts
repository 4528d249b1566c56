import type { ErrorType } from '@flux-metrics/core';

/** The bounded errors_total type of an RTSP status code, or undefined for success and redirects. */
export function errorTypeOfStatus(status: number): ErrorType | undefined {
  if (status < 400) return undefined;
  switch (status) {
    case 401:
    case 403:
    case 407:
      return 'auth';
    case 404:
    case 454: // Session Not Found
      return 'not_found';
    case 408:
      return 'timeout';
    case 453: // Not Enough Bandwidth
    case 503:
      return 'overload';
    case 461: // Unsupported Transport
    case 501:
    case 505:
    case 551:
      return 'unsupported';
    default:
      return status >= 500 ? 'internal' : 'protocol';
  }
}

/** The bounded errors_total type of the error a socket was destroyed with. */
export function errorTypeOfSocketError(error: unknown): ErrorType {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection_reset';
  if (code === 'ETIMEDOUT') return 'timeout';
  return 'network';
}
