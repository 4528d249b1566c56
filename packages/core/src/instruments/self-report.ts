import { diag, type Counter, type Meter } from '@opentelemetry/api';
import { getMetric } from '../catalog/index.js';
import type { INVALID_REASONS } from '../catalog/label-values.js';

export type InvalidReason = (typeof INVALID_REASONS)[number];

/** Counts what the guards drop or replace, and says so once per metric in the OTel diagnostic log. */
export class SelfReport {
  readonly #invalid: Counter;
  readonly #overflow: Counter;
  readonly #warned = new Set<string>();

  constructor(meter: Meter) {
    this.#invalid = create(meter, 'flux_metrics_invalid_measurements_total');
    this.#overflow = create(meter, 'flux_metrics_label_overflow_total');
  }

  invalid(metric: string, reason: InvalidReason): void {
    this.#invalid.add(1, { metric, reason });
    this.#warnOnce(`${metric}:${reason}`, `flux-metrics: dropped a ${reason} measurement of ${metric}`);
  }

  overflow(metric: string, label: string): void {
    this.#overflow.add(1, { metric, label });
    this.#warnOnce(
      `${metric}/${label}`,
      `flux-metrics: label ${label} of ${metric} was replaced by a bounded fallback`,
    );
  }

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    diag.warn(message);
  }
}

function create(
  meter: Meter,
  name: 'flux_metrics_invalid_measurements_total' | 'flux_metrics_label_overflow_total',
): Counter {
  const def = getMetric(name);
  return meter.createCounter(def.name, { unit: def.unit, description: def.help });
}

/** Why a value cannot be recorded, or undefined when it can. */
export function invalidReason(value: unknown, monotonic: boolean): InvalidReason | undefined {
  if (typeof value !== 'number') return 'not_a_number';
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return 'infinite';
  if (monotonic && value < 0) return 'negative';
  return undefined;
}
