import { bodyBytes, robotBody, type Mention, type Message } from './message.js';
import { signedUrl } from './sign.js';

/** What became of one call to a robot. */
export type SendOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly retry: boolean; readonly kind: FailureKind; readonly detail: string };

export type FailureKind = 'network' | 'http' | 'too_fast' | 'busy' | 'rejected';

/** DingTalk error codes that mean "try again later" rather than "this message is wrong". */
const RETRYABLE: Readonly<Record<number, FailureKind>> = {
  [-1]: 'busy', // system busy
  130101: 'too_fast', // send too fast, exceed 20 times per minute
};

export interface RobotOptions {
  readonly url: string;
  readonly secret?: string;
  readonly mention?: Mention;
  readonly timeoutMs: number;
}

/** One DingTalk custom robot: signs every request and classifies the answer. */
export class Robot {
  constructor(readonly options: RobotOptions) {}

  bytes(message: Message): number {
    return bodyBytes(message, this.options.mention);
  }

  async send(message: Message): Promise<SendOutcome> {
    const { url, secret, mention, timeoutMs } = this.options;
    let res: Response;
    try {
      res = await fetch(signedUrl(url, secret), {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(robotBody(message, mention)),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      // Only the error's code or name: a message could quote the URL, which holds the access token.
      return { ok: false, retry: true, kind: 'network', detail: errorCode(err) };
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 500) return { ok: false, retry: true, kind: 'http', detail: `HTTP ${res.status}` };
    if (!res.ok) return { ok: false, retry: false, kind: 'http', detail: `HTTP ${res.status}` };
    let answer: { errcode?: unknown; errmsg?: unknown };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      return { ok: false, retry: false, kind: 'rejected', detail: 'answer is not JSON' };
    }
    const code = Number(answer.errcode ?? 0);
    if (code === 0) return { ok: true };
    const detail = `errcode ${code}: ${String(answer.errmsg ?? '').slice(0, 200)}`;
    const retryKind = RETRYABLE[code];
    return retryKind
      ? { ok: false, retry: true, kind: retryKind, detail }
      : { ok: false, retry: false, kind: 'rejected', detail };
  }
}

function errorCode(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (err instanceof Error && err.name === 'TimeoutError') return 'timeout';
  return err instanceof Error ? err.name : 'error';
}
