import { metrics, type Meter, type MeterProvider } from '@opentelemetry/api';
import { CATALOG, getMetric, type LabelsOf, type MetricName, type MetricOf } from '../catalog/index.js';
import type { InstrumentKind, MetricDefinition } from '../catalog/types.js';
import { createLabelGuard } from '../labels/guard.js';
import { GuardedInstrument } from './guarded.js';
import { ObservedFamily } from './observed-family.js';
import { ObservedReaders, type ObservedReader } from './observed-reader.js';
import { SELF_REPORTED, SelfReport, type SelfReported } from './self-report.js';

/** The meter every flux-metrics instrument lives in, so each catalog name is created exactly once. */
export const METER_NAME = 'flux-metrics';
export const METER_VERSION = '0.1.0';

type ObservableKind = 'observableCounter' | 'observableUpDownCounter' | 'observableGauge';

/** What the factory returns for a metric: a guarded sync instrument, or a family of observed cells. */
export type InstrumentFor<N extends MetricName> = MetricOf<N>['kind'] extends ObservableKind
  ? ObservedFamily<LabelsOf<N>>
  : GuardedInstrument<LabelsOf<N>>;

/** A family of series flux-metrics exports itself: an observed family or a synchronous instrument's cells. */
export type ExportedFamily = ObservedFamily<string> | GuardedInstrument<string>;

/** Every catalog instrument of one Meter, created on first use with the catalog's unit, help and buckets. */
export class FluxInstruments {
  readonly #report: SelfReport;
  readonly #created = new Map<string, GuardedInstrument<string> | ObservedFamily<string>>();
  readonly #observed: ExportedFamily[] = [];
  /** The self-metrics' families, read after the others: reading those counts the invalid values they hold. */
  readonly #selfObserved: ExportedFamily[] = [];
  readonly #readers = new ObservedReaders();

  constructor() {
    this.#report = new SelfReport((name: SelfReported) => this.get(name) as ObservedFamily<string>);
  }

  /** The instrument of one catalog metric (the same object on every call). */
  get<N extends MetricName>(name: N): InstrumentFor<N> {
    let instrument = this.#created.get(name);
    if (!instrument) {
      const def: MetricDefinition | undefined = getMetric(name);
      if (!def) throw new TypeError(`flux-metrics: ${String(name)} is not in the catalog`);
      instrument = this.#create(def);
      this.#created.set(name, instrument);
    }
    return instrument as InstrumentFor<N>;
  }

  /** Creates every catalog instrument now, so that all metric families are exported from the start. */
  createAll(): void {
    for (const def of CATALOG) this.get(def.name);
  }

  /** A new reader of the observed families: one per exporter (the flux-metrics MetricProducer opens it). */
  openReader(): ObservedReader {
    return this.#readers.open();
  }

  /**
   * Begins a collection by `reader` and yields every family flux-metrics exports, in reading order; read
   * each one (`visit`) before taking the next, as reading may create the self-metrics' families.
   */
  *exportedFamilies(reader: ObservedReader): Generator<ExportedFamily> {
    reader.begin(Date.now());
    yield* this.#observed;
    yield* this.#selfObserved; // after: includes families created meanwhile
  }

  #create(def: MetricDefinition): GuardedInstrument<string> | ObservedFamily<string> {
    const guard = createLabelGuard(def, (metric, label) => this.#report.overflow(metric, label));
    const monotonic = isMonotonic(def.kind);
    const family = def.kind.startsWith('observable')
      ? new ObservedFamily(def, guard, monotonic, this.#report, this.#readers)
      : new GuardedInstrument(def, guard, monotonic, this.#report);
    const self = (SELF_REPORTED as readonly string[]).includes(def.name);
    (self ? this.#selfObserved : this.#observed).push(family);
    return family;
  }
}

function isMonotonic(kind: InstrumentKind): boolean {
  return kind === 'counter' || kind === 'observableCounter' || kind === 'histogram';
}

const perMeter = new WeakMap<Meter, FluxInstruments>();

/**
 * The flux-metrics instruments of a MeterProvider (default: the global one). Register the SDK first: the
 * OpenTelemetry API hands out no-op meters until a provider is set, and they stay no-op.
 */
export function fluxInstruments(provider: MeterProvider = metrics.getMeterProvider()): FluxInstruments {
  const meter = provider.getMeter(METER_NAME, METER_VERSION);
  let instruments = perMeter.get(meter);
  if (!instruments) {
    instruments = new FluxInstruments();
    perMeter.set(meter, instruments);
  }
  return instruments;
}
