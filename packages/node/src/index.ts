export { observedSeriesProducer } from './observed-producer.js';
export { catalogViews } from './views.js';
export { register } from './register.js';
export type { Registration, RegisterOptions, PrometheusRegisterOptions } from './register.js';
export type { OtlpOptions } from './otlp.js';
export { readEnvConfig, parseExporters } from './env.js';
export type { EnvConfig, MetricsExporterName, OtlpProtocol } from './env.js';
export { flushOnExit } from './exit-flush.js';
