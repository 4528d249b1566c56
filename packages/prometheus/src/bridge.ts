import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { createAuthCheck, type ScrapeAuth } from './auth.js';
import { ExpositionRenderer, type ExpositionOptions } from './scrape.js';

/** The Prometheus text format 0.0.4, which the OTel serializer writes. */
export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface PrometheusBridgeOptions extends ExpositionOptions {
  /** Path of the scrape endpoint (default `/metrics`). */
  metricsPath?: string;
  /** Path of the liveness endpoint, never behind auth (default `/healthz`). */
  healthPath?: string;
  /** Credentials required on the scrape endpoint (default: none). */
  auth?: ScrapeAuth;
  /** Gzip the scrape when the scraper accepts it (default true). */
  gzip?: boolean;
}

export interface ListenOptions {
  /** Interface to bind (default `127.0.0.1`: only local scrapers; use `0.0.0.0` in containers). */
  host?: string;
  /** Port (default 9464; 0 picks a free one). */
  port?: number;
}

type Next = (err?: unknown) => void;

/**
 * A scraper sends its request in one go: a client still sending headers after 10 s (slowloris) is cut off,
 * checked every second (Node's defaults, 60 s checked every 30 s, let idle sockets pile up for a minute).
 */
const SERVER_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1_000,
};

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}

function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  if (!header) return false;
  return String(header)
    .split(',')
    .some((part) => {
      const [coding, ...params] = part.trim().split(';');
      if (coding?.trim().toLowerCase() !== 'gzip' && coding?.trim() !== '*') return false;
      return !params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
    });
}

/**
 * Prometheus exposition for a flux-metrics MeterProvider: add `bridge.reader` to the provider's readers,
 * then serve it standalone (`listen()`) or from an existing server (`handle`, `middleware`).
 */
export class PrometheusBridge {
  readonly #renderer: ExpositionRenderer;
  readonly #metricsPath: string;
  readonly #healthPath: string;
  readonly #gzip: boolean;
  readonly #auth: ReturnType<typeof createAuthCheck> | undefined;
  #server: Server | undefined;

  constructor(options: PrometheusBridgeOptions = {}) {
    this.#renderer = new ExpositionRenderer(options);
    this.#metricsPath = options.metricsPath ?? '/metrics';
    this.#healthPath = options.healthPath ?? '/healthz';
    this.#gzip = options.gzip ?? true;
    this.#auth = options.auth ? createAuthCheck(options.auth) : undefined;
  }

  /** The MetricReader to pass in `new MeterProvider({ readers: [bridge.reader] })`. */
  get reader(): ExpositionRenderer['reader'] {
    return this.#renderer.reader;
  }

  /** Renders one whole scrape without HTTP (tests, custom transports). */
  scrape(): ReturnType<ExpositionRenderer['render']> {
    return this.#renderer.render();
  }

  /** One scrape in the pieces the endpoint sends, yielding to the event loop between them. */
  pieces(): AsyncGenerator<string | Uint8Array> {
    return this.#renderer.pieces();
  }

  /**
   * Serves the request if it is for the metrics or health path and returns true; returns false (and writes
   * nothing) otherwise. Use from a `node:http` request listener.
   */
  handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = pathOf(req.url);
    if (path === this.#healthPath) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
      return true;
    }
    if (path !== this.#metricsPath) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    if (this.#auth && !this.#auth.check(req)) {
      res.writeHead(401, { 'www-authenticate': this.#auth.challenge }).end();
      return true;
    }
    void this.#respond(req, res);
    return true;
  };

  /** Connect/express-style middleware: serves its paths, passes everything else to `next`. */
  middleware = (req: IncomingMessage, res: ServerResponse, next?: Next): void => {
    if (!this.handle(req, res)) next?.();
  };

  /** The standalone server while `listen()` has it running (to tune timeouts); undefined otherwise. */
  get server(): Server | undefined {
    return this.#server;
  }

  /**
   * Starts a standalone server (default `127.0.0.1:9464`); resolves with the bound address. Rejects with
   * the listen error (EADDRINUSE…) and may then be called again.
   */
  async listen(options: ListenOptions = {}): Promise<AddressInfo> {
    if (this.#server) throw new Error('flux-metrics: the Prometheus bridge is already listening');
    const server = createServer(SERVER_TIMEOUTS, (req, res) => {
      if (!this.handle(req, res)) res.writeHead(404).end();
    });
    this.#server = server;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 9464, options.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      this.#server = undefined;
      throw error;
    }
    // Later server errors (accept failing with EMFILE under load) are counted; the server keeps serving.
    server.on('error', (error) => this.#renderer.reportError('server error', error));
    // Metrics never keep a process alive on their own.
    server.unref();
    return server.address() as AddressInfo;
  }

  /** Stops the standalone server (if any) and the reader. */
  async shutdown(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  async #respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPE, vary: 'Accept-Encoding' };
    const gzip = this.#gzip && acceptsGzip(req);
    if (gzip) headers['content-encoding'] = 'gzip';
    if (req.method === 'HEAD') {
      res.writeHead(200, headers).end();
      return;
    }
    const pieces = this.#renderer.pieces();
    let first: IteratorResult<string | Uint8Array>;
    try {
      first = await pieces.next(); // the collection: a failure here still gets a 500
    } catch {
      // Counted and logged by the renderer; the error text (paths, hosts, secrets) stays in the app.
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end("# flux-metrics: scrape failed; see the application's diagnostic log\n");
      return;
    }
    // Streamed with chunked encoding: the body is never held whole, and backpressure from a slow scraper
    // pauses the rendering. Level 1 gzip: the text compresses about as well, at a third of the CPU.
    res.writeHead(200, headers);
    const body = Readable.from(prepend(first, pieces), { objectMode: false });
    const stages = gzip ? [body, createGzip({ level: constants.Z_BEST_SPEED }), res] : [body, res];
    // A scraper that goes away ends the pipeline; the renderer stops at its next piece.
    await pipeline(stages).catch(() => res.destroy());
  }
}

/** The first piece, already taken, followed by the rest. */
async function* prepend<T>(first: IteratorResult<T>, rest: AsyncGenerator<T>): AsyncGenerator<T> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}
