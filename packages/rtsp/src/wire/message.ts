/** An RTSP request or response head with its body. Header names are lower-case. */
export interface RtspMessage {
  readonly startLine: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

/** Parses the head (start line and headers) of an RTSP message; lines end with CRLF or a bare LF. */
export function parseHead(head: string): { startLine: string; headers: Map<string, string> } {
  const lines = head.split('\n');
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { startLine: (lines[0] ?? '').trim(), headers };
}

const START_LINE = /^(?:RTSP\/\d+\.\d+ \d{3}(?: .*)?|[!-~]+ [!-~]+ RTSP\/\d+\.\d+)$/;

/** Whether a line is an RTSP request line (`METHOD uri RTSP/1.0`) or status line (`RTSP/1.0 200 OK`). */
export function isStartLine(line: string): boolean {
  return START_LINE.test(line);
}

/** `SETUP rtsp://h/p RTSP/1.0` → method and URL; undefined when the line is a response. */
export function requestLine(startLine: string): { method: string; url: string } | undefined {
  if (startLine.startsWith('RTSP/')) return undefined;
  const [method = '', url = ''] = startLine.split(' ');
  return { method, url };
}

/** `RTSP/1.0 404 Not Found` → 404; NaN when the line is not a response. */
export function responseStatus(startLine: string): number {
  return startLine.startsWith('RTSP/') ? Number(startLine.split(' ')[1]) : NaN;
}

/** The session id of a `Session: 12345678;timeout=60` header. */
export function sessionId(header: string | undefined): string | undefined {
  const id = header?.split(';')[0]?.trim();
  return id ? id : undefined;
}
