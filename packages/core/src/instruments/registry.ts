import type { MeterProvider } from '@opentelemetry/api';
import { CATALOG, type MetricName, type MetricOf } from '../catalog/index.js';
import type { InstrumentKind, MetricDefinition } from '../catalog/types.js';
import { BoundedValueSet } from '../labels/bounded-set.js';
import { createLabelGuard, labelLimits, type LabelLimits } from '../labels/guard.js';
import { GuardedInstrument } from './guarded.js';
import { ObservedFamily, seriesRetention, type RetentionSettings } from './observed-family.js';
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

/**
 * Marks the MetricProducer that publishes a registry (`observedSeriesProducer`): the Prometheus bridge
 * writes that registry itself and skips the producer at its own scrapes, while other collections of its
 * reader (a worker sharing its metrics) still get the registry's series from it.
 */
export const REGISTRY_PRODUCER: unique symbol = Symbol.for('flux-metrics.registry-producer');

/** A family of series flux-metrics exports itself: an observed family or a synchronous instrument's cells. */
export type ExportedFamily = ObservedFamily<string> | GuardedInstrument<string>;

export interface RegistryOptions {
  /** The MeterProvider this registry belongs to (see `attach`). */
  meterProvider?: MeterProvider;
  /** Retention of released series (default: 5 min for counters, 0 for gauges, readers idle after 10 min). */
  retention?: Partial<RetentionSettings>;
  /** Bounds on network-derived label values (default: 10 000 stream names, 500 routes). */
  labelLimits?: Partial<LabelLimits>;
  /**
   * How long after its first instrument a registry no exporter reads warns that its metrics go nowhere
   * (default 10 s; see `markExported`).
   */
  unexportedWarningMs?: number;
}

const NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Everything flux-metrics records into, in one object: the metric definitions (flux's catalog plus the
 * app's own), their guarded instruments and observed cells, the label bounds and the retention settings.
 * Helpers, the Prometheus bridge and the OTLP producer are given a registry (the default one unless told
 * otherwise), so what a helper records is what the exporters read, whatever the order of creation.
 *
 * Every series, synchronous or observed, is a cell kept here and read by the exporters built with this
 * registry (the bridge writes them, the producer hands them to OTel readers): no instrument needs a meter,
 * and nothing recorded before the SDK started is lost.
 */
export class FluxRegistry {
  readonly retention: RetentionSettings;
  readonly labelLimits: LabelLimits;
  readonly #definitions = new Map<string, MetricDefinition>(CATALOG.map((d) => [d.name, d]));
  readonly #labelNames = new Set<string>(CATALOG.flatMap((d) => Object.keys(d.labels)));
  readonly #report: SelfReport;
  readonly #created = new Map<string, GuardedInstrument<string> | ObservedFamily<string>>();
  readonly #observed: ExportedFamily[] = [];
  /** The self-metrics' families, read after the others: reading those counts the invalid values they hold. */
  readonly #selfObserved: ExportedFamily[] = [];
  readonly #readers = new ObservedReaders();
  #provider: MeterProvider | undefined;
  #exported = false;
  #unexportedCheck: ReturnType<typeof setTimeout> | undefined;
  readonly #unexportedWarningMs: number;

  constructor(options: RegistryOptions = {}) {
    this.#unexportedWarningMs = options.unexportedWarningMs ?? 10_000;
    // The process-wide objects are shared, not copied: `seriesRetention.counterMs = …` keeps working.
    this.retention =
      options.retention === seriesRetention ? seriesRetention : { ...seriesRetention, ...options.retention };
    this.labelLimits = {
      streamNames: options.labelLimits?.streamNames ?? new BoundedValueSet(labelLimits.streamNames.limit),
      routes: options.labelLimits?.routes ?? new BoundedValueSet(labelLimits.routes.limit),
    };
    this.#report = new SelfReport((name: SelfReported) => this.get(name) as ObservedFamily<string>);
    if (options.meterProvider) this.attach(options.meterProvider);
  }

  /** The MeterProvider this registry is attached to (undefined until attached). */
  get meterProvider(): MeterProvider | undefined {
    return this.#provider;
  }

  /**
   * Attaches this registry to `provider` (`register()` and `fluxSdkConfig()` do this): helpers given that
   * provider record here. The provider's readers publish the series through this registry's producer.
   */
  attach(provider: MeterProvider): void {
    this.#provider = provider;
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
      this.#watchUnexported();
    }
    return instrument as InstrumentFor<N>;
  }

  /** Creates every instrument now, so that all metric families are exported from the start. */
  createAll(): void {
    for (const name of this.#definitions.keys()) this.get(name as MetricName);
  }

  /** A new reader of the observed families: one per exporter (the flux-metrics MetricProducer opens it). */
  openReader(): ObservedReader {
    this.markExported();
    return this.#readers.open();
  }

  /**
   * Says an exporter will read this registry (the producer and the Prometheus bridge call it when built).
   * A registry whose instruments exist but that nothing reads warns once: its series are kept, never exported.
   */
  markExported(): void {
    this.#exported = true;
    clearTimeout(this.#unexportedCheck);
  }

  #watchUnexported(): void {
    if (this.#exported || this.#unexportedCheck) return;
    this.#unexportedCheck = setTimeout(() => {
      if (this.#exported) return;
      warnLoudly(
        `flux-metrics: nothing exports this registry ${this.#unexportedWarningMs / 1000} s after its first ` +
          'instrument: its metrics are kept but never exported. Call register() from @flux-metrics/node, ' +
          'spread fluxSdkConfig().sdk into your NodeSDK, or add observedSeriesProducer(registry) to your reader.',
      );
    }, this.#unexportedWarningMs);
    this.#unexportedCheck.unref?.();
  }

  /**
   * Begins a collection by `reader` and yields every family this registry exports, in reading order; read
   * each one (`visit`) before taking the next, as reading may create the self-metrics' families.
   */
  *exportedFamilies(reader: ObservedReader): Generator<ExportedFamily> {
    reader.begin(Date.now());
    yield* this.#observed;
    yield* this.#selfObserved; // after: includes families created meanwhile
  }

  #guard(def: MetricDefinition) {
    return createLabelGuard(def, (metric, label) => this.#report.overflow(metric, label), {
      limits: this.labelLimits,
      isMetricName: (name) => this.#definitions.has(name),
      isLabelName: (name) => this.#labelNames.has(name),
    });
  }

  #create(def: MetricDefinition): GuardedInstrument<string> | ObservedFamily<string> {
    const guard = this.#guard(def);
    const monotonic = isMonotonic(def.kind);
    const family = def.kind.startsWith('observable')
      ? new ObservedFamily(def, guard, monotonic, this.#report, {
          readers: this.#readers,
          retention: this.retention,
          streamNames: this.labelLimits.streamNames,
        })
      : new GuardedInstrument(def, guard, monotonic, this.#report);
    const self = (SELF_REPORTED as readonly string[]).includes(def.name);
    (self ? this.#selfObserved : this.#observed).push(family);
    return family;
  }
}

function isMonotonic(kind: InstrumentKind): boolean {
  return kind === 'counter' || kind === 'observableCounter' || kind === 'histogram';
}
