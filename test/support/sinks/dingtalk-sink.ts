import { createHmac } from 'node:crypto';
import { startHttpSink } from './http-sink.ts';

export interface DingTalkMessage {
  readonly receivedAt: number;
  readonly title: string;
  readonly text: string;
  readonly at: { atMobiles?: string[]; atUserIds?: string[]; isAtAll?: boolean };
}

export interface DingTalkSinkOptions {
  readonly accessToken: string;
  /** Signing secret: requests must carry a valid `timestamp` and `sign`. */
  readonly secret: string;
  /** Messages per window before answering 130101 "send too fast" (DingTalk: 20 a minute). */
  readonly limit?: number;
  readonly windowMs?: number;
}

/**
 * A DingTalk custom-robot stand-in that checks what the real API checks: the access token, the signature
 * (HMAC-SHA256 over `timestamp\nsecret`, base64, timestamp within an hour), markdown bodies under
 * 20,000 bytes, and the per-robot rate limit. Answers in DingTalk's `{errcode, errmsg}` form.
 */
export async function startDingTalkSink(options: DingTalkSinkOptions) {
  const limit = options.limit ?? 20;
  const windowMs = options.windowMs ?? 60_000;
  const messages: DingTalkMessage[] = [];
  const refusals: { errcode: number; errmsg: string; at: number }[] = [];
  const accepted: number[] = [];
  /** Answers 503 to the next N requests (a DingTalk outage). */
  const state = { failNext: 0 };

  const sink = await startHttpSink((req, body, res) => {
    const answer = (errcode: number, errmsg: string) => {
      if (errcode !== 0) refusals.push({ errcode, errmsg, at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode, errmsg }));
    };
    if (state.failNext > 0) {
      state.failNext--;
      res.writeHead(503).end('service unavailable');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://sink');
    if (req.method !== 'POST' || url.pathname !== '/robot/send') return answer(404, 'not found');
    if (url.searchParams.get('access_token') !== options.accessToken)
      return answer(300001, 'token is not exist');
    const timestamp = Number(url.searchParams.get('timestamp'));
    const expected = createHmac('sha256', options.secret)
      .update(`${timestamp}\n${options.secret}`)
      .digest('base64');
    if (!timestamp || Math.abs(Date.now() - timestamp) > 3_600_000)
      return answer(310000, 'invalid timestamp');
    if (url.searchParams.get('sign') !== expected) return answer(310000, 'sign not match');
    if (Buffer.byteLength(body) >= 20_000) return answer(460101, 'message too long, exceed 20000 bytes');
    let json: { msgtype?: string; markdown?: { title?: string; text?: string }; at?: DingTalkMessage['at'] };
    try {
      json = JSON.parse(body) as typeof json;
    } catch {
      return answer(40035, 'invalid json');
    }
    if (json.msgtype !== 'markdown' || !json.markdown?.title || !json.markdown.text) {
      return answer(40035, 'missing markdown title or text');
    }
    const now = Date.now();
    while (accepted.length && accepted[0]! <= now - windowMs) accepted.shift();
    if (accepted.length >= limit) return answer(130101, 'send too fast, exceed 20 times per minute');
    accepted.push(now);
    messages.push({
      receivedAt: now,
      title: json.markdown.title,
      text: json.markdown.text,
      at: json.at ?? {},
    });
    answer(0, 'ok');
  });
  return {
    ...sink,
    robotUrl: `${sink.url}/robot/send?access_token=${options.accessToken}`,
    messages,
    refusals,
    state,
  };
}
