import { HTTP_METRICS } from './http.js';
import { RTSP_METRICS } from './rtsp.js';
import { SELF_METRICS } from './self.js';
import { SRT_METRICS } from './srt.js';
import { STORAGE_METRICS } from './storage.js';
import { STREAM_METRICS } from './stream.js';
import { SYSTEM_METRICS } from './system.js';
import type { MetricDefinition } from './types.js';

/** Every metric flux-metrics can emit, by section. */
export const CATALOG_SECTIONS = {
  http: HTTP_METRICS,
  stream: STREAM_METRICS,
  system: SYSTEM_METRICS,
  rtsp: RTSP_METRICS,
  srt: SRT_METRICS,
  storage: STORAGE_METRICS,
  self: SELF_METRICS,
} as const;

export type CatalogEntry = (typeof CATALOG_SECTIONS)[keyof typeof CATALOG_SECTIONS][number];
export type MetricName = CatalogEntry['name'];
/** The catalog entry of one metric name, with its literal kind and labels. */
export type MetricOf<N extends MetricName> = Extract<CatalogEntry, { name: N }>;
/** The label names of one metric. */
export type LabelsOf<N extends MetricName> = keyof MetricOf<N>['labels'] & string;

export const CATALOG: readonly CatalogEntry[] = Object.values(CATALOG_SECTIONS).flat();

const byName = new Map<string, MetricDefinition>(CATALOG.map((d) => [d.name, d]));
if (byName.size !== CATALOG.length) throw new Error('duplicate metric name in the catalog');

export function findMetric(name: string): MetricDefinition | undefined {
  return byName.get(name);
}

export function getMetric<N extends MetricName>(name: N): MetricOf<N> {
  return byName.get(name) as MetricOf<N>;
}
