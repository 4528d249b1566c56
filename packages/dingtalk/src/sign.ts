import { createHmac } from 'node:crypto';

/** DingTalk's robot signature: base64(HMAC-SHA256(key = secret, message = `${timestamp}\n${secret}`)). */
export function sign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/** The robot URL with `timestamp` and `sign` added (URL-encoded, so `+ / =` survive); no secret: unchanged. */
export function signedUrl(robotUrl: string, secret: string | undefined, timestampMs = Date.now()): string {
  if (!secret) return robotUrl;
  const url = new URL(robotUrl);
  url.searchParams.set('timestamp', String(timestampMs));
  url.searchParams.set('sign', sign(secret, timestampMs));
  return url.toString();
}
