import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { instrumentHttpServer } from '@flux-metrics/core';

export interface StreamListing {
  name: string;
  protocol: 'rtsp' | 'srt';
  url: string;
  players?: number;
}

/** The demo's HTTP API on the media-server process, instrumented with the core HTTP metrics. */
/** A malformed %-escape must answer 404, not throw inside the request handler. */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export interface ApiSources {
  streams(): StreamListing[];
  recordings(): Promise<string[]>;
  openRecording(name: string): Readable | undefined;
  faults: { state: unknown; apply(input: unknown): Promise<unknown> };
}

/** Reads a small JSON body; undefined when it is not JSON. */
async function jsonBody(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 4096) return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function startApi(host: string, port: number, sources: ApiSources): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/faults') {
      if (req.method === 'GET') return json(200, sources.faults.state);
      if (req.method !== 'POST') return json(405, { error: 'method not allowed' });
      jsonBody(req)
        .then((body) =>
          body === undefined ? Promise.reject(new Error('body must be JSON')) : sources.faults.apply(body),
        )
        .then(
          (state) => json(200, state),
          (error: Error) => json(400, { error: error.message }),
        );
      return;
    }
    if (req.method !== 'GET') return json(405, { error: 'method not allowed' });
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/streams') return json(200, sources.streams());
    const stream = /^\/streams\/([^/]+)$/.exec(path);
    if (stream) {
      const found = sources.streams().find((s) => s.name === decode(stream[1]!));
      return found ? json(200, found) : json(404, { error: 'no such stream' });
    }
    if (path === '/recordings') {
      sources.recordings().then(
        (names) => json(200, names),
        () => json(500, { error: 'cannot list recordings' }),
      );
      return;
    }
    const recording = /^\/recordings\/([^/]+)$/.exec(path);
    if (recording) {
      const file = sources.openRecording(decode(recording[1]!));
      if (!file) return json(400, { error: 'bad recording name' });
      file.once('error', () => (res.headersSent ? res.destroy() : json(404, { error: 'no such recording' })));
      file.once('open', () => res.writeHead(200, { 'content-type': 'application/octet-stream' }));
      file.pipe(res);
      return;
    }
    json(404, { error: 'not found' });
  });
  instrumentHttpServer(server, {
    routes: ['/faults', '/healthz', '/streams', '/streams/:name', '/recordings', '/recordings/:name'],
  });
  server.listen(port, host);
  await once(server, 'listening');
  return server;
}
