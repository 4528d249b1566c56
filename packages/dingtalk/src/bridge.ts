import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registration } from '@flux-metrics/node';
import { httpMetricsListener } from '@flux-metrics/core';
import type { BridgeConfig } from './config.js';
import { DeadLetters } from './dead-letter.js';
import { Delivery } from './delivery.js';
import type { Logger } from './log.js';
import type { Message } from './message.js';
import { BridgeMetrics } from './metrics.js';
import { renderNotification } from './render.js';
import { readBody } from './read-body.js';
import { Robot } from './robot.js';
import { BadRequest, parseWebhook } from './webhook.js';

export interface BridgeOptions {
  readonly config: BridgeConfig;
  readonly log: Logger;
  /** flux-metrics registration: its MeterProvider records the bridge's metrics, its bridge serves /metrics. */
  readonly metrics?: Pick<Registration, 'meterProvider' | 'prometheus'>;
}

const SEND_PATH = /^\/dingtalk\/([^/]+)\/send\/?$/;

/**
 * The DingTalk bridge: `POST /dingtalk/<target>/send` takes an Alertmanager webhook (version 4), renders it
 * as markdown under the size limit and queues it for that target's robot; `GET /healthz` reports the queues;
 * `GET /metrics` the bridge's own metrics. A notification is acknowledged once queued: from then on the
 * bridge owns it (retries, then the dead-letter file).
 */
export class DingTalkBridge {
  readonly deliveries: ReadonlyMap<string, Delivery>;
  readonly #options: BridgeOptions;
  readonly #metrics: BridgeMetrics;
  readonly #httpMetrics: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  #server: Server | undefined;

  constructor(options: BridgeOptions) {
    this.#options = options;
    const { config, log } = options;
    const meter = options.metrics?.meterProvider?.getMeter('@flux-metrics/dingtalk');
    this.#metrics = new BridgeMetrics(meter, () => [...this.deliveries].map(([n, d]) => [n, d.length]));
    const provider = options.metrics?.meterProvider;
    this.#httpMetrics = provider
      ? httpMetricsListener({
          routes: ['/dingtalk/:target/send', '/healthz', '/metrics'],
          meterProvider: provider,
        })
      : undefined;
    const deadLetters = new DeadLetters(config.deadLetterFile, log);
    this.deliveries = new Map(
      [...config.targets].map(([name, target]) => [
        name,
        new Delivery({
          name,
          robot: new Robot({ ...target, timeoutMs: config.timeoutMs }),
          config,
          deadLetters,
          metrics: this.#metrics,
          log,
        }),
      ]),
    );
  }

  /** The request handler (mount it on your own server, or call `listen()`). Never throws. */
  handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.#httpMetrics?.(req, res);
    this.#route(req, res).catch((err: unknown) => {
      this.#options.log.error(`internal error: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) reply(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  };

  async listen(host = this.#options.config.listen.host, port = this.#options.config.listen.port) {
    const server = createServer(this.handle);
    server.on('clientError', (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.#options.log.error(`server error: ${err.message}`));
    this.#server = server;
    return server.address() as AddressInfo;
  }

  /** Stops listening, then stops every queue (what is left goes to the dead-letter file). */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...this.deliveries.values()].map((d) => d.stop()));
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const queued = Object.fromEntries([...this.deliveries].map(([n, d]) => [n, d.length]));
      return reply(res, 200, { status: 'ok', queued });
    }
    if (path === '/metrics' && this.#options.metrics?.prometheus?.handle(req, res)) return;
    const match = SEND_PATH.exec(path);
    if (!match) return reply(res, 404, { error: 'not found: POST /dingtalk/<target>/send' });
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return reply(res, 405, { error: 'use POST' });
    }
    const name = safeName(match[1]!);
    const delivery = this.deliveries.get(name);
    try {
      if (!delivery) throw new BadRequest(404, 'unknown_target', `unknown target "${name}"`);
      const payload = parseWebhook(await readBody(req, this.#options.config.maxBodyBytes));
      const robot = delivery.deps.robot;
      const fits = (m: Message) => robot.bytes(m) <= this.#options.config.maxMessageBytes;
      const { message, notShown } = renderNotification(payload, fits);
      this.#metrics.notShown(name, notShown);
      delivery.enqueue(message);
      this.#metrics.webhook(name, 'accepted');
      reply(res, 200, { status: 'queued', target: name });
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      this.#metrics.webhook(delivery ? name : '_unknown', err.reason);
      this.#options.log.warn(`rejected webhook for target "${name}": ${err.status} ${err.message}`);
      reply(res, err.status, { error: err.message });
      if (err.status === 413) res.once('finish', () => req.destroy());
    }
  }
}

/** A target name from the URL as it may appear in logs and metrics: short, no control characters. */
function safeName(raw: string): string {
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // keep the raw form
  }
  return decoded.replace(/[^\w.-]/g, '_').slice(0, 64);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}
