import { defaultRegistry, METER_NAME, type FluxRegistry } from '@flux-metrics/core';
import { AggregationType, type ViewOptions } from '@opentelemetry/sdk-metrics';

/**
 * One view per synchronous catalog metric: the catalog's cardinality limit and, for histograms, its
 * explicit buckets (so they hold even where bucket advice is not honoured). Observed series are bounded by
 * the label guards and published by the producer, which views do not touch. App metrics defined in the
 * registry before this call get their views too.
 */
export function catalogViews(registry: FluxRegistry = defaultRegistry): ViewOptions[] {
  return registry.definitions
    .filter((def) => !def.kind.startsWith('observable'))
    .map((def) => ({
      instrumentName: def.name,
      meterName: METER_NAME,
      aggregationCardinalityLimit: def.cardinalityLimit,
      ...(def.kind === 'histogram'
        ? {
            aggregation: {
              type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
              options: { boundaries: [...(def.buckets ?? [])], recordMinMax: false },
            },
          }
        : {}),
    }));
}
