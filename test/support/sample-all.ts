import {
  CATALOG,
  fluxInstruments,
  type FluxRegistry,
  type LabelRule,
  type MetricDefinition,
  type MetricName,
} from '@flux-metrics/core';
import type { MeterProvider } from '@opentelemetry/api';

/** A valid value for a label rule, so a test can record one sample of any catalog metric. */
export function sampleLabelValue(rule: LabelRule): string | number {
  switch (rule.kind) {
    case 'enum':
      return rule.values[0]!;
    case 'status':
      return 200;
    case 'stream':
      return 'cam1';
    case 'route':
      return '/streams/:name';
    case 'text':
      return 'sample';
  }
}

export function sampleLabels(def: MetricDefinition): Record<string, string | number> {
  return Object.fromEntries(Object.entries(def.labels).map(([name, rule]) => [name, sampleLabelValue(rule)]));
}

/** Records one sample of every catalog metric; returns the cells so that the caller may release them. */
export function recordEveryMetric(provider?: MeterProvider | FluxRegistry): void {
  const instruments = fluxInstruments(provider);
  for (const def of CATALOG) {
    const instrument = instruments.get(def.name as MetricName);
    const labels = sampleLabels(def) as never;
    if ('cell' in instrument) instrument.cell(labels).value = 1;
    else instrument.record(0.5, labels);
  }
}
