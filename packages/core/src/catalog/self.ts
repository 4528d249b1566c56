import { defineMetric } from './define.js';
import { enumOf, INVALID_REASONS } from './label-values.js';

/** flux-metrics watching itself: nothing is dropped silently. */
export const SELF_METRICS = [
  defineMetric({
    name: 'flux_metrics_invalid_measurements_total',
    kind: 'observableCounter',
    unit: '{measurement}',
    help: 'Measurements dropped because the value was invalid (NaN, infinite, negative counter increment, not a number).',
    labels: { metric: { kind: 'metricName' }, reason: enumOf(INVALID_REASONS) },
    cardinalityLimit: 500,
    recordedBy: ['core'],
    origin: 'label guards: bad values are dropped and counted',
  }),
  defineMetric({
    name: 'flux_metrics_label_overflow_total',
    kind: 'observableCounter',
    unit: '{measurement}',
    help: 'Label values replaced by a bounded fallback (unknown enum value, too many distinct stream names or routes).',
    labels: { metric: { kind: 'metricName' }, label: { kind: 'labelName' } },
    cardinalityLimit: 500,
    recordedBy: ['core'],
    origin: 'label guards: bounded cardinality',
  }),
  defineMetric({
    name: 'flux_metrics_scrape_duration_seconds',
    kind: 'histogram',
    unit: 's',
    help: 'Time to collect and serialize one /metrics scrape.',
    labels: {},
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    cardinalityLimit: 10,
    recordedBy: ['prometheus'],
    origin: 'success criterion: metric export latency < 100 ms',
  }),
  defineMetric({
    name: 'flux_metrics_series',
    kind: 'observableGauge',
    unit: '{series}',
    help: 'Samples in the most recent /metrics scrape.',
    labels: {},
    cardinalityLimit: 10,
    recordedBy: ['prometheus'],
    origin: 'export paths: self-metrics',
  }),
] as const;
