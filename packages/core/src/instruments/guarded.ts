import type { Attributes } from '@opentelemetry/api';
import type { LabelGuard } from '../labels/guard.js';
import { invalidReason, type SelfReport } from './self-report.js';

/** Label values a caller passes: one per catalog label name. Numbers are allowed (status codes). */
export type LabelValues<L extends string> = { readonly [K in L]: string | number };

/** The SDK call behind an instrument: `add` for sums, `record` for histograms and gauges. */
export type Write = (value: number, attributes: Attributes) => void;

/** A recording with its labels checked once: the cheapest way to record the same series repeatedly. */
export class BoundInstrument {
  constructor(
    private readonly owner: GuardedInstrument<string>,
    readonly attributes: Attributes,
  ) {}

  record(value: number): void {
    this.owner.recordGuarded(value, this.attributes);
  }
}

/**
 * A synchronous instrument behind the catalog's guards: labels bounded, invalid values dropped and
 * counted, and nothing ever thrown into the caller.
 */
export class GuardedInstrument<L extends string> {
  constructor(
    readonly name: string,
    private readonly write: Write,
    private readonly guard: LabelGuard,
    private readonly monotonic: boolean,
    private readonly report: SelfReport,
  ) {}

  /** Adds (counters), records (histograms) or sets (gauges) a value. */
  record(value: number, labels: LabelValues<L>): void {
    try {
      this.recordGuarded(value, this.guard(labels));
    } catch {
      this.report.invalid(this.name, 'not_a_number');
    }
  }

  /** Checks the labels once; the returned handle records without label work. */
  bind(labels: LabelValues<L>): BoundInstrument {
    return new BoundInstrument(this as GuardedInstrument<string>, this.guard(labels));
  }

  /** @internal */
  recordGuarded(value: number, attributes: Attributes): void {
    const reason = invalidReason(value, this.monotonic);
    if (reason !== undefined) {
      this.report.invalid(this.name, reason);
      return;
    }
    this.write(value, attributes);
  }
}
