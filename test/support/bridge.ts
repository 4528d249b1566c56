import { catalogViews } from '@flux-metrics/node';
import { PrometheusBridge, type PrometheusBridgeOptions } from '@flux-metrics/prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

/**
 * A PrometheusBridge reading a real MeterProvider with the catalog's views, as `register()` wires them (the
 * bridge writes the observed families itself).
 */
export function bridgeWithProvider(options: PrometheusBridgeOptions = {}): {
  bridge: PrometheusBridge;
  provider: MeterProvider;
} {
  const ref: { provider?: MeterProvider } = {};
  const bridge = new PrometheusBridge({
    ...options,
    meterProvider: () => ref.provider,
  });
  const provider = new MeterProvider({ readers: [bridge.reader], views: catalogViews() });
  ref.provider = provider;
  return { bridge, provider };
}
