import { diag } from '@opentelemetry/api';

/** Where metrics leave the process. */
export type MetricsExporterName = 'prometheus' | 'otlp';
export type OtlpProtocol = 'grpc' | 'http/protobuf' | 'http/json';

/** The standard OTEL_* settings that register() reads (explicit options win over them). */
export interface EnvConfig {
  disabled: boolean;
  exporters: MetricsExporterName[];
  otlpProtocol: OtlpProtocol;
  exportIntervalMillis: number;
  exportTimeoutMillis: number;
  prometheusHost: string;
  prometheusPort: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  diag.warn(`flux-metrics: ignoring ${name}=${raw} (not a positive integer)`);
  return fallback;
}

/** `OTEL_METRICS_EXPORTER`: prometheus (default) | otlp | both | none, or a comma list of them. */
export function parseExporters(raw: string | undefined): MetricsExporterName[] {
  const names = new Set<MetricsExporterName>();
  for (const part of (raw ?? '').split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '') continue;
    if (name === 'none') return [];
    if (name === 'both') {
      names.add('prometheus');
      names.add('otlp');
    } else if (name === 'prometheus' || name === 'otlp') names.add(name);
    else
      diag.warn(
        `flux-metrics: OTEL_METRICS_EXPORTER value "${name}" is not supported (prometheus, otlp, both, none)`,
      );
  }
  return names.size === 0 && !raw?.trim() ? ['prometheus'] : [...names];
}

function parseProtocol(raw: string | undefined): OtlpProtocol {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === '') return 'http/protobuf';
  if (value === 'grpc' || value === 'http/protobuf' || value === 'http/json') return value;
  diag.warn(`flux-metrics: unknown OTLP protocol "${value}", using http/protobuf`);
  return 'http/protobuf';
}

/** Reads the OTEL_* variables that choose exporters, protocol, interval and the Prometheus address. */
export function readEnvConfig(env: Env = process.env): EnvConfig {
  const exportIntervalMillis = positiveInt(env, 'OTEL_METRIC_EXPORT_INTERVAL', 60_000);
  return {
    disabled: env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true',
    exporters: parseExporters(env.OTEL_METRICS_EXPORTER),
    otlpProtocol: parseProtocol(env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL),
    exportIntervalMillis,
    // The spec clamps the timeout to the interval, so exports never pile up.
    exportTimeoutMillis: Math.min(
      positiveInt(env, 'OTEL_METRIC_EXPORT_TIMEOUT', 30_000),
      exportIntervalMillis,
    ),
    prometheusHost: env.OTEL_EXPORTER_PROMETHEUS_HOST?.trim() || '127.0.0.1',
    prometheusPort: positiveInt(env, 'OTEL_EXPORTER_PROMETHEUS_PORT', 9464),
  };
}
