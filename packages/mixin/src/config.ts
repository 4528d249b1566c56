import { defaultAlertsConfig, type AlertsConfig } from './alerts/config.js';
import { defaultAlertmanagerConfig, type AlertmanagerConfig } from './alertmanager/config.js';
import { defaultDashboardsConfig, type DashboardsConfig } from './dashboards/config.js';
import { defaultSloConfig, type SloConfig } from './slo/config.js';

/**
 * The one config every generated artefact (alert, recording and SLO rules, dashboards, Alertmanager config)
 * is built from, in the spirit of a monitoring mixin's `config.libsonnet`. Users override any part of it.
 */
export interface MixinConfig {
  /** Label matchers that select the media servers' series, e.g. `job="media-server"`. */
  readonly selectors: {
    /** Matchers for the apps' own series (scraped `/metrics` or pushed through the Collector). */
    readonly app: string;
    /** Matchers for the OpenTelemetry Collector's own telemetry. */
    readonly collector: string;
  };
  /** Range of `rate()`/`increase()` in rules; at least 4× the scrape interval. */
  readonly rateInterval: string;
  /** Labels that locate one process in aggregations and descriptions. */
  readonly instanceLabels: readonly string[];
  /** Base of every `runbook_url`; `<AlertName>.md` is appended. */
  readonly runbookBaseUrl: string;
  readonly alerts: AlertsConfig;
  readonly slo: SloConfig;
  readonly dashboards: DashboardsConfig;
  readonly alertmanager: AlertmanagerConfig;
}

export const defaultConfig: MixinConfig = {
  selectors: { app: 'job=~"media-server|flux-metrics"', collector: 'job="otel-collector"' },
  rateInterval: '5m',
  instanceLabels: ['job', 'instance'],
  runbookBaseUrl: 'https://github.com/flux-metrics/flux-metrics/blob/main/docs/runbooks/',
  alerts: defaultAlertsConfig,
  slo: defaultSloConfig,
  dashboards: defaultDashboardsConfig,
  alertmanager: defaultAlertmanagerConfig,
};

/** A partial config as a user writes it: any field at any depth may be left out. */
export type ConfigOverrides = DeepPartial<MixinConfig>;
type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** The defaults with `overrides` merged in (objects merge key by key; arrays and scalars replace). */
export function resolveConfig(
  overrides: ConfigOverrides = {},
  base: MixinConfig = defaultConfig,
): MixinConfig {
  return mergeDeep(base, overrides) as MixinConfig;
}

function mergeDeep(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (!(key in base)) throw new Error(`mixin config: unknown key "${key}"`);
    out[key] = mergeDeep(base[key], value);
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
