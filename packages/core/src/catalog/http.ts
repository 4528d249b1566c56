import { defineMetric } from './define.js';
import { LABEL } from './label-values.js';

/** Application metrics of the design: HTTP requests of the server's API. */
export const HTTP_METRICS = [
  defineMetric({
    name: 'http_requests_total',
    kind: 'counter',
    unit: '{request}',
    help: 'HTTP requests served, by method, route template and status code.',
    labels: { method: LABEL.httpMethod, path: LABEL.route, status: LABEL.status },
    cardinalityLimit: 1000,
    recordedBy: ['core'],
    origin: 'design: counters',
  }),
  defineMetric({
    name: 'http_request_duration_seconds',
    kind: 'histogram',
    unit: 's',
    help: 'Time from receiving an HTTP request until its response is finished.',
    labels: { method: LABEL.httpMethod, path: LABEL.route },
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    cardinalityLimit: 500,
    recordedBy: ['core'],
    origin: 'design: histograms',
  }),
] as const;
