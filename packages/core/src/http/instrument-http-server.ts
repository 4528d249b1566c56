import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { MeterProvider } from '@opentelemetry/api';
import { fluxInstruments } from '../instruments/factory.js';
import type { FluxRegistry } from '../instruments/registry.js';
import { RouteTable } from '../labels/route.js';

export interface HttpMetricsOptions {
  /**
   * Route templates (`/streams/:name`, `/static/*`) that bound the `path` label, or a function that names
   * the route of a request. Express's `req.route` is used when present; anything else is `_unmatched`.
   */
  routes?: readonly string[] | ((req: IncomingMessage) => string | undefined);
  meterProvider?: MeterProvider;
  /** The registry to record into (default: the default registry; `meterProvider` selects one by provider). */
  registry?: FluxRegistry;
}

/** nginx's status for a request whose client closed the connection before the response was finished. */
const CLIENT_CLOSED_REQUEST = 499;

type ExpressRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: unknown };

/**
 * Records `http_requests_total` and `http_request_duration_seconds` for every request of a `node:http`
 * server (also the one under express, `app.listen()`, or fastify, `fastify.server`). Returns a function
 * that stops recording.
 */
export function instrumentHttpServer(server: Server, options: HttpMetricsOptions = {}): () => void {
  const listener = httpMetricsListener(options);
  server.prependListener('request', listener);
  return () => server.off('request', listener);
}

/** The request listener behind `instrumentHttpServer`, for servers that dispatch requests themselves. */
export function httpMetricsListener(
  options: HttpMetricsOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const instruments = fluxInstruments(options.registry ?? options.meterProvider);
  const requests = instruments.get('http_requests_total');
  const duration = instruments.get('http_request_duration_seconds');
  const errors = instruments.get('errors_total').bind({ type: 'connection_reset', component: 'http' });
  const resolve = routeResolver(options.routes);

  return (req, res) => {
    const start = performance.now();
    let done = false;
    const finish = (completed: boolean) => {
      if (done) return;
      done = true;
      const method = req.method ?? '_OTHER';
      const path = resolve(req);
      duration.record((performance.now() - start) / 1000, { method, path });
      // An unfinished response was not served, whatever statusCode says (200 until the handler sets it).
      requests.record(1, { method, path, status: completed ? res.statusCode : CLIENT_CLOSED_REQUEST });
      if (!completed) errors.record(1);
    };
    res.once('finish', () => finish(true));
    res.once('close', () => finish(res.writableFinished));
  };
}

function routeResolver(routes: HttpMetricsOptions['routes']): (req: IncomingMessage) => string {
  const table = new RouteTable(Array.isArray(routes) ? routes : []);
  const custom = typeof routes === 'function' ? routes : undefined;
  return (req) => {
    const named = custom?.(req) ?? expressRoute(req as ExpressRequest);
    return named ?? table.match(req.url ?? '/');
  };
}

function expressRoute(req: ExpressRequest): string | undefined {
  const path = req.route?.path;
  if (typeof path !== 'string') return undefined;
  return (typeof req.baseUrl === 'string' ? req.baseUrl : '') + path;
}
