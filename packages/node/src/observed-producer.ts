import { ValueType, type MeterProvider } from '@opentelemetry/api';
import {
  FluxRegistry,
  fluxInstruments,
  METER_NAME,
  METER_VERSION,
  prometheusType,
  type ObservedFamily,
  type ObservedPoint,
  type ObservedReader,
} from '@flux-metrics/core';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';

const toHrTime = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1e6];

function toMetricData(
  family: ObservedFamily<string>,
  points: readonly ObservedPoint[],
  endTime: [number, number],
): MetricData | undefined {
  if (points.length === 0) return undefined;
  const def = family.definition;
  const descriptor = { name: def.name, description: def.help, unit: def.unit, valueType: ValueType.DOUBLE };
  const dataPoints = points.map((p) => ({
    startTime: toHrTime(p.startTime),
    endTime,
    attributes: p.attributes,
    value: p.value,
  }));
  if (prometheusType(def.kind) === 'gauge' && def.kind !== 'observableUpDownCounter') {
    return {
      descriptor,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints,
    };
  }
  return {
    descriptor,
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: def.kind === 'observableCounter',
    dataPoints,
  };
}

/**
 * Publishes the observed series of flux-metrics (hot-path counters, per-stream gauges) to one reader at
 * collection time. Create one for each reader, never share one:
 * `new PrometheusExporter({ metricProducers: [observedSeriesProducer(get)] })`,
 * `new PeriodicExportingMetricReader({ exporter, metricProducers: [observedSeriesProducer(get)] })`;
 * each then sees CPU ratios since its own previous collection and the final value of every released counter.
 * `source` is the registry to publish (register() and fluxSdkConfig() pass the default one), or a function
 * giving a MeterProvider whose registry is published, resolved lazily because readers are built before
 * their MeterProvider.
 */
export function observedSeriesProducer(
  source: FluxRegistry | (() => MeterProvider | undefined),
): MetricProducer {
  const registryOf = source instanceof FluxRegistry ? () => source : () => registryOfProvider(source());
  if (source instanceof FluxRegistry) source.published();
  let reader: { registry: FluxRegistry; reader: ObservedReader } | undefined;
  return {
    async collect(): Promise<CollectionResult> {
      const instruments = registryOf();
      const metrics: MetricData[] = [];
      if (instruments) {
        if (reader?.registry !== instruments)
          reader = { registry: instruments, reader: instruments.openReader() };
        const endTime = toHrTime(Date.now());
        for (const { family, points } of instruments.collectObserved(reader.reader)) {
          const data = toMetricData(family, points, endTime);
          if (data) metrics.push(data);
        }
      }
      return {
        resourceMetrics: {
          resource: emptyResource(),
          scopeMetrics: [{ scope: { name: METER_NAME, version: METER_VERSION }, metrics }],
        },
        errors: [],
      };
    },
  };
}

function registryOfProvider(provider: MeterProvider | undefined): FluxRegistry | undefined {
  return provider ? fluxInstruments(provider) : undefined;
}
