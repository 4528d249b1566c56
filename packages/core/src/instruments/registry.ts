import { metrics, createNoopMeter, type Meter, type MeterProvider } from '@opentelemetry/api';
import { CATALOG, type MetricName, type MetricOf } from '../catalog/index.js';
import type { InstrumentKind, MetricDefinition } from '../catalog/types.js';
import { BoundedValueSet } from '../labels/bounded-set.js';
import { createLabelGuard, labelLimits, type LabelLimits } from '../labels/guard.js';
import { GuardedInstrument, type Write } from './guarded.js';
import {
  ObservedFamily,
  seriesRetention,
  type ObservedPoint,
  type RetentionSettings,
} from './observed-family.js';
import { ObservedReaders, type ObservedReader } from './observed-reader.js';
import { SELF_REPORTED, SelfReport, type SelfReported } from './self-report.js';
import { warnLoudly } from './warn.js';

/** The meter every flux-metrics instrument lives in, so each catalog name is created exactly once. */
export const METER_NAME = 'flux-metrics';
export const METER_VERSION = '0.1.0';

type ObservableKind = 'observableCounter' | 'observableUpDownCounter' | 'observableGauge';

/** What a registry returns for a metric: a guarded sync instrument, or a family of observed cells. */
export type InstrumentOf<D extends MetricDefinition> = D['kind'] extends ObservableKind
  ? ObservedFamily<keyof D['labels'] & string>
  : GuardedInstrument<keyof D['labels'] & string>;
/** The instrument of one flux catalog metric. */
export type InstrumentFor<N extends MetricName> = InstrumentOf<MetricOf<N>>;

export interface RegistryOptions {
  /** Where the sync instruments record (default: resolved at the first record, see `attach`). */
  meterProvider?: MeterProvider;
  /** Retention of released series (default: 5 min for counters, 0 for gauges, readers idle after 10 min). */
  retention?: Partial<RetentionSettings>;
  /** Bounds on network-derived label values (default: 10 000 stream names, 500 routes). */
  labelLimits?: Partial<LabelLimits>;
  /** Follow the global MeterProvider while none is attached (the default registry does). */
  followGlobal?: boolean;
}

const NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Everything flux-metrics records into, in one object: the metric definitions (flux's catalog plus the
 * app's own), their guarded instruments and observed cells, the label bounds and the retention settings.
 * Helpers, the Prometheus bridge and the OTLP producer are given a registry (the default one unless told
 * otherwise), so what a helper records is what the exporters read, whatever the order of creation.
 *
 * Sync instruments resolve their OTel meter when they record, so instruments created before the SDK
 * started record once it has; observed cells need no meter at all (the producer reads them).
 */
export class FluxRegistry {
  readonly retention: RetentionSettings;
  readonly labelLimits: LabelLimits;
  readonly #definitions = new Map<string, MetricDefinition>(CATALOG.map((d) => [d.name, d]));
  readonly #labelNames = new Set<string>(CATALOG.flatMap((d) => Object.keys(d.labels)));
  readonly #report: SelfReport;
  readonly #created = new Map<string, GuardedInstrument<string> | ObservedFamily<string>>();
  readonly #observed: ObservedFamily<string>[] = [];
  /** The self-metrics' families, read after the others: reading those counts the invalid values they hold. */
  readonly #selfObserved: ObservedFamily<string>[] = [];
  readonly #readers = new ObservedReaders();
  readonly #followGlobal: boolean;
  #meter: Meter | undefined;
  #provider: MeterProvider | undefined;
  #publishers = 0;
  #warnedUnattached = false;

  constructor(options: RegistryOptions = {}) {
    // The process-wide objects are shared, not copied: `seriesRetention.counterMs = …` keeps working.
    this.retention =
      options.retention === seriesRetention ? seriesRetention : { ...seriesRetention, ...options.retention };
    this.labelLimits = {
      streamNames: options.labelLimits?.streamNames ?? new BoundedValueSet(labelLimits.streamNames.limit),
      routes: options.labelLimits?.routes ?? new BoundedValueSet(labelLimits.routes.limit),
    };
    this.#followGlobal = options.followGlobal ?? false;
    this.#report = new SelfReport((name: SelfReported) => this.get(name) as ObservedFamily<string>);
    if (options.meterProvider) this.attach(options.meterProvider);
  }

  /** The MeterProvider the sync instruments record into (undefined until attached or resolved). */
  get meterProvider(): MeterProvider | undefined {
    return this.#provider;
  }

  /**
   * Records the sync instruments into `provider` from now on (`register()` and `fluxSdkConfig()` do this).
   * Observed series are not affected: the readers built with this registry's producer publish them.
   */
  attach(provider: MeterProvider): void {
    this.#provider = provider;
    this.#meter = provider.getMeter(METER_NAME, METER_VERSION);
  }

  /** Adds app metric definitions next to flux's catalog; returns the instrument of the first. */
  define<const D extends MetricDefinition>(definition: D): InstrumentOf<D> {
    const existing = this.#definitions.get(definition.name);
    if (existing && existing !== definition) {
      throw new Error(`flux-metrics: metric ${definition.name} is already defined (by ${existing.origin})`);
    }
    if (!NAME_PATTERN.test(definition.name)) {
      throw new Error(
        `flux-metrics: ${JSON.stringify(definition.name)} is not a valid Prometheus metric name`,
      );
    }
    for (const label of Object.keys(definition.labels)) {
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label) || label.startsWith('__')) {
        throw new Error(`flux-metrics: label ${JSON.stringify(label)} of ${definition.name} is not valid`);
      }
    }
    if (
      isMonotonic(definition.kind) &&
      definition.kind !== 'histogram' &&
      !definition.name.endsWith('_total')
    ) {
      throw new Error(`flux-metrics: counter ${definition.name} must end in _total (Prometheus naming)`);
    }
    this.#definitions.set(definition.name, definition);
    for (const label of Object.keys(definition.labels)) this.#labelNames.add(label);
    return this.get(definition.name as MetricName) as unknown as InstrumentOf<D>;
  }

  /** Every definition this registry knows: flux's catalog, then the app's in definition order. */
  get definitions(): readonly MetricDefinition[] {
    return [...this.#definitions.values()];
  }

  /** The instrument of one metric (the same object on every call); throws for a name never defined. */
  get<N extends MetricName>(name: N): InstrumentFor<N> {
    let instrument = this.#created.get(name);
    if (!instrument) {
      const def = this.#definitions.get(name);
      if (!def) {
        throw new Error(
          `flux-metrics: metric ${JSON.stringify(name)} is neither in flux's catalog nor defined by the app; ` +
            'declare it with registry.define(defineMetric({ name, kind, unit, help, labels, ... })) first',
        );
      }
      instrument = this.#create(def);
      this.#created.set(name, instrument);
    }
    return instrument as InstrumentFor<N>;
  }

  /** Creates every instrument now, so that all metric families are exported from the start. */
  createAll(): void {
    for (const name of this.#definitions.keys()) this.get(name as MetricName);
  }

  /** A new reader of the observed families: one per exporter (the flux-metrics MetricProducer opens it). */
  openReader(): ObservedReader {
    return this.#readers.open();
  }

  /** @internal Counts an exporter built to publish this registry (its observed series are not lost). */
  published(): void {
    this.#publishers++;
  }

  /** One collection of every observed family by `reader`, at collection time. */
  collectObserved(reader: ObservedReader): { family: ObservedFamily<string>; points: ObservedPoint[] }[] {
    reader.begin(Date.now());
    const read = (family: ObservedFamily<string>) => ({ family, points: family.collect(reader) });
    const points = this.#observed.map(read);
    return points.concat(this.#selfObserved.map(read)); // after: includes families created meanwhile
  }

  /** The meter to record into now: attached, else (default registry) the global one once it is set. */
  #currentMeter(): Meter | undefined {
    if (this.#meter) return this.#meter;
    if (!this.#followGlobal) return this.#unattached();
    const provider = metrics.getMeterProvider();
    const meter = provider.getMeter(METER_NAME, METER_VERSION);
    if (meter === createNoopMeter()) return this.#unattached();
    this.attach(provider);
    if (this.#publishers === 0) {
      warnLoudly(
        'flux-metrics: recording into a global MeterProvider that flux-metrics did not configure: observed ' +
          'series (packets_sent_total, active_streams, …) and the catalog views are missing from it. Pass ' +
          "fluxSdkConfig() to NodeSDK, or call register() from '@flux-metrics/node' (see docs/integration.md)",
      );
    }
    return meter;
  }

  #unattached(): undefined {
    if (!this.#warnedUnattached) {
      this.#warnedUnattached = true;
      warnLoudly(
        'flux-metrics: a measurement was recorded before any MeterProvider was set and was dropped; call ' +
          "register() or start NodeSDK with fluxSdkConfig() from '@flux-metrics/node' before recording",
      );
    }
    return undefined;
  }

  /** A write into the current meter's instrument, recreated when the meter changes. */
  #sync(def: MetricDefinition, create: (meter: Meter) => Write): GuardedInstrument<string> {
    let bound: { meter: Meter; write: Write } | undefined;
    const write: Write = (value, attributes) => {
      const meter = this.#currentMeter();
      if (meter === undefined) return;
      if (bound?.meter !== meter) bound = { meter, write: create(meter) };
      bound.write(value, attributes);
    };
    return new GuardedInstrument(def.name, write, this.#guard(def), isMonotonic(def.kind), this.#report);
  }

  #guard(def: MetricDefinition) {
    return createLabelGuard(def, (metric, label) => this.#report.overflow(metric, label), {
      limits: this.labelLimits,
      isMetricName: (name) => this.#definitions.has(name),
      isLabelName: (name) => this.#labelNames.has(name),
    });
  }

  #create(def: MetricDefinition): GuardedInstrument<string> | ObservedFamily<string> {
    const options = { unit: def.unit, description: def.help };
    switch (def.kind) {
      case 'counter':
        return this.#sync(def, (meter) => {
          const c = meter.createCounter(def.name, options);
          return (v, a) => c.add(v, a);
        });
      case 'upDownCounter':
        return this.#sync(def, (meter) => {
          const c = meter.createUpDownCounter(def.name, options);
          return (v, a) => c.add(v, a);
        });
      case 'histogram':
        return this.#sync(def, (meter) => {
          const advice = { explicitBucketBoundaries: [...(def.buckets ?? [])] };
          const h = meter.createHistogram(def.name, { ...options, advice });
          return (v, a) => h.record(v, a);
        });
      case 'gauge':
        return this.#sync(def, (meter) => {
          const g = meter.createGauge(def.name, options);
          return (v, a) => g.record(v, a);
        });
      case 'observableCounter':
      case 'observableUpDownCounter':
      case 'observableGauge': {
        const family = new ObservedFamily(def, this.#guard(def), isMonotonic(def.kind), this.#report, {
          readers: this.#readers,
          retention: this.retention,
          streamNames: this.labelLimits.streamNames,
        });
        const self = (SELF_REPORTED as readonly string[]).includes(def.name);
        (self ? this.#selfObserved : this.#observed).push(family);
        return family;
      }
    }
  }
}

function isMonotonic(kind: InstrumentKind): boolean {
  return kind === 'counter' || kind === 'observableCounter' || kind === 'histogram';
}
