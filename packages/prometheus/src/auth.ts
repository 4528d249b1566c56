import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Credentials a scraper must send: a bearer token, or a basic-auth user and password. */
export type ScrapeAuth =
  { readonly bearerToken: string } | { readonly username: string; readonly password: string };

/** Compares secrets in constant time: hashing first gives both sides the same length. */
function sameSecret(given: string, expected: Buffer): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), expected);
}

/**
 * Returns a check of a request's Authorization header against the configured credentials, and the
 * WWW-Authenticate challenge to send when it fails.
 */
export function createAuthCheck(auth: ScrapeAuth): {
  check: (req: IncomingMessage) => boolean;
  challenge: string;
} {
  const isBearer = 'bearerToken' in auth;
  const scheme = isBearer ? 'bearer' : 'basic';
  const expected = isBearer
    ? auth.bearerToken
    : Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
  const expectedHash = createHash('sha256').update(expected).digest();
  return {
    check: (req) => {
      // RFC 9110 §11.1: the scheme is case-insensitive (`bearer …` is as good as `Bearer …`).
      const [given, credentials] = splitScheme(req.headers.authorization ?? '');
      return sameSecret(credentials, expectedHash) && given.toLowerCase() === scheme;
    },
    challenge: isBearer ? 'Bearer realm="metrics"' : 'Basic realm="metrics", charset="UTF-8"',
  };
}

/** `Scheme credentials` → [scheme, credentials]; no regex, so a 64 KB header costs one linear pass. */
function splitScheme(header: string): [string, string] {
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  return space === -1 ? [trimmed, ''] : [trimmed.slice(0, space), trimmed.slice(space + 1).trim()];
}
