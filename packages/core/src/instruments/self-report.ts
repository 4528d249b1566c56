import { diag } from '@opentelemetry/api';
import type { INVALID_REASONS } from '../catalog/label-values.js';
import type { Cell, ObservedFamily } from './observed-family.js';

export type InvalidReason = (typeof INVALID_REASONS)[number];

/** The self-metrics the guards count in. */
export const SELF_REPORTED = [
  'flux_metrics_invalid_measurements_total',
  'flux_metrics_label_overflow_total',
] as const;
export type SelfReported = (typeof SELF_REPORTED)[number];

/**
 * Counts what the guards drop or replace, and says so once per metric in the OTel diagnostic log. The
 * counts are observed cells, so a count is a field increment: a flood of hostile names or bad values costs
 * no SDK attribute work per value.
 */
export class SelfReport {
  readonly #invalid: CountsByPair;
  readonly #overflow: CountsByPair;

  /** `family` gives the family of a self-metric; called on the first count, as families need this report. */
  constructor(family: (name: SelfReported) => ObservedFamily<string>) {
    this.#invalid = new CountsByPair(
      () => family('flux_metrics_invalid_measurements_total'),
      'reason',
      (metric, reason) => `flux-metrics: dropped a ${reason} measurement of ${metric}`,
    );
    this.#overflow = new CountsByPair(
      () => family('flux_metrics_label_overflow_total'),
      'label',
      (metric, label) => `flux-metrics: label ${label} of ${metric} was replaced by a bounded fallback`,
    );
  }

  invalid(metric: string, reason: InvalidReason): void {
    this.#invalid.count(metric, reason);
  }

  overflow(metric: string, label: string): void {
    this.#overflow.count(metric, label);
  }
}

/**
 * One held cell per pair of a metric name and a second label, found without allocating. The pairs come from
 * the catalog (metric names, label names, reasons), so the cells are few and are never released.
 */
class CountsByPair {
  readonly #cells = new Map<string, Map<string, Cell>>();

  constructor(
    private readonly family: () => ObservedFamily<string>,
    private readonly label: string,
    private readonly warning: (metric: string, value: string) => string,
  ) {}

  count(metric: string, value: string): void {
    const cell = this.#cells.get(metric)?.get(value) ?? this.#first(metric, value);
    cell.value++;
  }

  #first(metric: string, value: string): Cell {
    let byValue = this.#cells.get(metric);
    if (byValue === undefined) this.#cells.set(metric, (byValue = new Map()));
    const cell = this.family().cell({ metric, [this.label]: value });
    byValue.set(value, cell);
    diag.warn(this.warning(metric, value));
    return cell;
  }
}

/** Why a value cannot be recorded, or undefined when it can. */
export function invalidReason(value: unknown, monotonic: boolean): InvalidReason | undefined {
  if (typeof value !== 'number') return 'not_a_number';
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return 'infinite';
  if (monotonic && value < 0) return 'negative';
  return undefined;
}
