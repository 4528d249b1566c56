import { ValueType, type MeterProvider } from '@opentelemetry/api';
import {
  FluxRegistry,
  fluxInstruments,
  METER_NAME,
  METER_VERSION,
  REGISTRY_PRODUCER,
  type ExportedFamily,
  type ObservedReader,
  type SyncCell,
} from '@flux-metrics/core';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type Histogram,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';

const toHrTime = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1e6];

/** One family's series as OTel data, the types the SDK gives the same instruments; undefined when empty. */
function toMetricData(
  family: ExportedFamily,
  reader: ObservedReader,
  endTime: [number, number],
): MetricData | undefined {
  const def = family.definition;
  const descriptor = { name: def.name, description: def.help, unit: def.unit, valueType: ValueType.DOUBLE };
  const base = { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE };
  if (def.kind === 'histogram') {
    const boundaries = [...(def.buckets ?? [])];
    const dataPoints: DataPoint<Histogram>[] = [];
    family.visit(reader, (series) => {
      const cell = series as SyncCell;
      dataPoints.push({
        startTime: toHrTime(cell.startTime),
        endTime,
        attributes: cell.attributes,
        value: {
          buckets: { boundaries, counts: [...cell.counts] },
          sum: cell.value,
          count: cell.count,
        },
      });
    });
    if (dataPoints.length === 0) return undefined;
    return { ...base, dataPointType: DataPointType.HISTOGRAM, dataPoints };
  }
  const dataPoints: DataPoint<number>[] = [];
  family.visit(reader, (series, value) =>
    dataPoints.push({ startTime: toHrTime(series.startTime), endTime, attributes: series.attributes, value }),
  );
  if (dataPoints.length === 0) return undefined;
  if (def.kind === 'gauge' || def.kind === 'observableGauge') {
    return { ...base, dataPointType: DataPointType.GAUGE, dataPoints };
  }
  const isMonotonic = def.kind === 'counter' || def.kind === 'observableCounter';
  return { ...base, dataPointType: DataPointType.SUM, isMonotonic, dataPoints };
}

/**
 * Publishes the series flux-metrics keeps (every catalog instrument: observed cells and the synchronous
 * instruments' cells) to one reader at collection time. Create one for each reader, never share one:
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
  if (source instanceof FluxRegistry) source.markExported();
  const registryOf = source instanceof FluxRegistry ? () => source : () => registryOfProvider(source());
  let reader: { registry: FluxRegistry; reader: ObservedReader } | undefined;
  const producer: MetricProducer & { [REGISTRY_PRODUCER]: true } = {
    [REGISTRY_PRODUCER]: true,
    async collect(): Promise<CollectionResult> {
      const instruments = registryOf();
      const metrics: MetricData[] = [];
      if (instruments) {
        if (reader?.registry !== instruments)
          reader = { registry: instruments, reader: instruments.openReader() };
        const endTime = toHrTime(Date.now());
        for (const family of instruments.exportedFamilies(reader.reader)) {
          const data = toMetricData(family, reader.reader, endTime);
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
  return producer;
}

function registryOfProvider(provider: MeterProvider | undefined): FluxRegistry | undefined {
  return provider ? fluxInstruments(provider) : undefined;
}
