import type { Attributes } from '@opentelemetry/api';
import { CATALOG } from '../catalog/index.js';
import type { LabelRule, MetricDefinition } from '../catalog/types.js';
import { BoundedValueSet, OVERFLOW_VALUE } from './bounded-set.js';
import { sanitizeLabelValue } from './sanitize.js';

/** Bounds on network-derived label values (each registry has its own; see FluxRegistry). */
export interface LabelLimits {
  /** Distinct stream names across all metrics; past it, new names are reported as `_overflow`. */
  streamNames: BoundedValueSet;
  /** Distinct HTTP route templates. */
  routes: BoundedValueSet;
}

/** The default registry's bounds on network-derived label values. */
export const labelLimits: LabelLimits = {
  /** Distinct stream names across all metrics; past it, new names are reported as `_overflow`. */
  streamNames: new BoundedValueSet(10_000),
  /** Distinct HTTP route templates. */
  routes: new BoundedValueSet(500),
};

/** What a self-metric's `metric` or `label` takes for a name that is not in the catalog. */
const SELF_FALLBACK = 'other';

/** Called once per replaced value so that nothing is changed silently. */
export type OverflowListener = (metric: string, label: string) => void;

type ValueGuard = (value: unknown) => string;

/** What a guard checks names and bounded values against: its registry's definitions and bounds. */
export interface GuardContext {
  readonly limits: LabelLimits;
  isMetricName(name: string): boolean;
  isLabelName(name: string): boolean;
}

const catalogNames = new Set<string>(CATALOG.map((def) => def.name));
const catalogLabels = new Set<string>(CATALOG.flatMap((def) => Object.keys(def.labels)));
const DEFAULT_CONTEXT: GuardContext = {
  limits: labelLimits,
  isMetricName: (name) => catalogNames.has(name),
  isLabelName: (name) => catalogLabels.has(name),
};

function enumGuard(
  values: readonly string[] | ((value: string) => boolean),
  fallback: string,
  onFallback: () => void,
): ValueGuard {
  const set = typeof values === 'function' ? undefined : new Set(values);
  const allowed = set ? (v: string) => set.has(v) : (values as (v: string) => boolean);
  return (value) => {
    const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
    if (allowed(text)) return text;
    // Case-insensitive second chance for method names and errno codes.
    const upper = text.toUpperCase();
    if (allowed(upper)) return upper;
    const lower = text.toLowerCase();
    if (allowed(lower)) return lower;
    onFallback();
    return fallback;
  };
}

function statusGuard(onFallback: () => void): ValueGuard {
  return (value) => {
    const code = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (Number.isInteger(code) && code >= 100 && code <= 599) return String(code);
    onFallback();
    return 'invalid';
  };
}

function boundedTextGuard(set: BoundedValueSet, onFallback: () => void): ValueGuard {
  return (value) => {
    const text = sanitizeLabelValue(value);
    const admitted = text === undefined ? OVERFLOW_VALUE : set.admit(text);
    if (admitted === OVERFLOW_VALUE) onFallback();
    return admitted;
  };
}

function valueGuard(rule: LabelRule, onFallback: () => void, context: GuardContext): ValueGuard {
  switch (rule.kind) {
    case 'enum':
      return enumGuard(rule.values, rule.fallback, onFallback);
    case 'status':
      return statusGuard(onFallback);
    case 'stream':
      return boundedTextGuard(context.limits.streamNames, onFallback);
    case 'route':
      return boundedTextGuard(context.limits.routes, onFallback);
    case 'text':
      return boundedTextGuard(new BoundedValueSet(rule.maxValues), onFallback);
    case 'metricName':
      return enumGuard((name) => context.isMetricName(name), SELF_FALLBACK, onFallback);
    case 'labelName':
      return enumGuard((name) => context.isLabelName(name), SELF_FALLBACK, onFallback);
  }
}

/** Turns caller-supplied labels into a frozen, bounded attribute set for one metric. */
export type LabelGuard = (labels: unknown) => Attributes;

/**
 * Builds the guard of one metric: exactly the catalog's label names, each value passed through its rule.
 * Extra keys are ignored; a missing, malformed or unreadable value takes the rule's fallback. Never throws.
 */
export function createLabelGuard(
  def: MetricDefinition,
  onOverflow: OverflowListener,
  context: GuardContext = DEFAULT_CONTEXT,
): LabelGuard {
  const entries = Object.entries(def.labels).map(
    ([name, rule]) => [name, valueGuard(rule, () => onOverflow(def.name, name), context)] as const,
  );
  if (entries.length === 0) {
    const empty = Object.freeze({});
    return () => empty;
  }
  return (labels) => {
    const source = (typeof labels === 'object' && labels !== null ? labels : {}) as Record<string, unknown>;
    const attributes: Record<string, string> = {};
    for (const [name, guard] of entries) attributes[name] = guard(readLabel(source, name));
    // Frozen: the SDK keys series by the object, so it must never change after recording.
    return Object.freeze(attributes);
  };
}

/** One label of the caller's object; a getter or proxy that throws gives no value (the rule's fallback). */
function readLabel(source: Record<string, unknown>, name: string): unknown {
  try {
    return source[name];
  } catch {
    return undefined;
  }
}
