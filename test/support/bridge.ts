import { catalogViews, observedSeriesProducer } from '@flux-metrics/node';
import { PrometheusBridge, type PrometheusBridgeOptions } from '@flux-metrics/prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

/**
 * A PrometheusBridge reading a real MeterProvider with the catalog's views and the observed-series producer,
 * as `register()` wires them. `options` may replace the producers.
 */
export function bridgeWithProvider(options: PrometheusBridgeOptions = {}): {
  bridge: PrometheusBridge;
  provider: MeterProvider;
} {
  const ref: { provider?: MeterProvider } = {};
  const bridge = new PrometheusBridge({
    metricProducers: [observedSeriesProducer(() => ref.provider)],
    ...options,
    meterProvider: () => ref.provider,
  });
  const provider = new MeterProvider({ readers: [bridge.reader], views: catalogViews() });
  ref.provider = provider;
  return { bridge, provider };
}
