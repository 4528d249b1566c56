import { createNoopMeter, metrics, type MeterProvider } from '@opentelemetry/api';
import { labelLimits } from '../labels/guard.js';
import { seriesRetention } from './observed-family.js';
import { FluxRegistry, METER_NAME, METER_VERSION } from './registry.js';
import { warnLoudly } from './warn.js';

/** Set on globalThis by the first copy of core loaded, so a second copy can say it would lose data. */
const LOADED = Symbol.for('flux-metrics.core.loaded');
const loadedGlobals = globalThis as Record<symbol, string | undefined>;
if (loadedGlobals[LOADED] !== undefined) {
  warnLoudly(
    `flux-metrics: two copies of @flux-metrics/core are loaded (${loadedGlobals[LOADED]} and ${import.meta.url}); ` +
      'helpers of one record into a registry the exporters of the other never read. Deduplicate ' +
      '(npm dedupe, one version of every @flux-metrics package), or pass one registry to every helper',
  );
} else loadedGlobals[LOADED] = import.meta.url;

/**
 * The registry of helpers given no registry or provider: it uses the process-wide `labelLimits` and
 * `seriesRetention`, and keeps what helpers record until `register()` or `fluxSdkConfig()` builds the
 * exporters that read it.
 */
export const defaultRegistry = new FluxRegistry({
  labelLimits,
  retention: seriesRetention,
});

/** Registries of helpers given an explicit MeterProvider (tests, several providers in one process). */
const perProvider = new WeakMap<MeterProvider, FluxRegistry>();

/**
 * The registry a helper records into: the one given, else the default registry. A MeterProvider selects
 * the default registry when it is attached to it, is the global one or is the API's no-op provider (got
 * from `metrics.getMeterProvider()` before any SDK started: the default registry follows the global
 * provider once one is set, so nothing stays bound to a no-op meter). Any other provider gets a registry
 * of its own (sharing the process-wide label bounds and retention), which exporters reach by that provider.
 */
export function fluxInstruments(target?: FluxRegistry | MeterProvider): FluxRegistry {
  if (target === undefined) return defaultRegistry;
  if (target instanceof FluxRegistry) return target;
  if (target === defaultRegistry.meterProvider || target === metrics.getMeterProvider())
    return defaultRegistry;
  if (target.getMeter(METER_NAME, METER_VERSION) === createNoopMeter()) return defaultRegistry;
  let registry = perProvider.get(target);
  if (!registry) {
    registry = new FluxRegistry({ meterProvider: target, labelLimits, retention: seriesRetention });
    perProvider.set(target, registry);
  }
  return registry;
}
