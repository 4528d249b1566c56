// Catalog: the single source of truth for names, units, labels and buckets.
export { CATALOG, CATALOG_SECTIONS, findMetric, getMetric } from './catalog/index.js';
export type { CatalogEntry, LabelsOf, MetricName, MetricOf } from './catalog/index.js';
export type {
  InstrumentKind,
  LabelRule,
  MetricDefinition,
  MetricUnit,
  RecordedBy,
  WorkerAggregation,
} from './catalog/types.js';
export { prometheusType, workerAggregation } from './catalog/types.js';
export * from './catalog/label-values.js';
export { LATENCY_OBJECTIVES, RATIO_OBJECTIVES } from './catalog/slo.js';
export type { LatencyObjective } from './catalog/slo.js';

// Registry: definitions, instruments, cells, label bounds and retention in one object.
export { FluxRegistry, METER_NAME, METER_VERSION, REGISTRY_PRODUCER } from './instruments/registry.js';
export type { ExportedFamily, InstrumentFor, InstrumentOf, RegistryOptions } from './instruments/registry.js';
export { defaultRegistry, fluxInstruments } from './instruments/factory.js';
export { defineMetric } from './catalog/define.js';
export { metricBlock, metricReference } from './catalog/reference.js';

// Instruments: guarded sync instruments and observed cells for hot paths.
export { BoundInstrument, GuardedInstrument, SyncCell } from './instruments/guarded.js';
export type { LabelValues } from './instruments/guarded.js';
export { Cell, ObservedFamily, seriesRetention } from './instruments/observed-family.js';
export type {
  ObservedPoint,
  ObservedSeries,
  Producer,
  RetentionSettings,
  SeriesVisitor,
} from './instruments/observed-family.js';
export { ObservedReader, PerReader } from './instruments/observed-reader.js';

// Label guards.
export { labelLimits, createLabelGuard } from './labels/guard.js';
export type { LabelLimits } from './labels/guard.js';
export { BoundedValueSet, OVERFLOW_VALUE } from './labels/bounded-set.js';
export { sanitizeLabelValue, MAX_LABEL_LENGTH } from './labels/sanitize.js';
export { RouteTable } from './labels/route.js';

// HTTP and system metrics.
export { instrumentHttpServer, httpMetricsListener } from './http/instrument-http-server.js';
export type { HttpMetricsOptions } from './http/instrument-http-server.js';
export { startSystemMetrics } from './system/system-metrics.js';
export type { SystemMetricsOptions } from './system/system-metrics.js';
export { watchDiskPaths, diskUsage } from './system/disk-usage.js';
export type { DiskUsage, DiskWatchOptions } from './system/disk-usage.js';
