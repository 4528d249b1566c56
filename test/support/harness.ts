import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { catalogViews, observedSeriesProducer } from '@flux-metrics/node';

/** A real MeterProvider with the catalog's views and a Prometheus exporter that tests scrape in-process. */
export interface Harness {
  provider: MeterProvider;
  exporter: PrometheusExporter;
  /** The exposition text a Prometheus scrape would receive. */
  scrape(): Promise<string>;
  shutdown(): Promise<void>;
}

export function createHarness(): Harness {
  const ref: { provider?: MeterProvider } = {};
  const exporter = new PrometheusExporter({
    preventServerStart: true,
    metricProducers: [observedSeriesProducer(() => ref.provider)],
  });
  const p = new MeterProvider({ readers: [exporter], views: catalogViews() });
  ref.provider = p;
  const serializer = new PrometheusSerializer();
  return {
    provider: p,
    exporter,
    async scrape() {
      const { resourceMetrics, errors } = await exporter.collect();
      if (errors.length > 0) throw new AggregateError(errors, 'collection failed');
      return serializer.serialize(resourceMetrics);
    },
    shutdown: () => p.shutdown(),
  };
}
