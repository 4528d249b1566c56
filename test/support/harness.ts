import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
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
  return {
    provider: p,
    exporter,
    scrape: () =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        const res = {
          statusCode: 0,
          setHeader() {},
          end(body?: string) {
            if (body) chunks.push(Buffer.from(body));
            resolve(Buffer.concat(chunks).toString('utf8'));
          },
          write(chunk: string) {
            chunks.push(Buffer.from(chunk));
            return true;
          },
          on() {},
          once() {},
          emit() {},
        };
        try {
          exporter.getMetricsRequestHandler({} as never, res as never);
        } catch (e) {
          reject(e as Error);
        }
      }),
    shutdown: () => p.shutdown(),
  };
}
