import { diag } from '@opentelemetry/api';

/** Where @opentelemetry/api 1.x keeps its globals (diag logger, providers). */
const OTEL_API_GLOBALS = Symbol.for('opentelemetry.js.api.1');

/**
 * A warning that data is being lost: to the OTel diagnostic log when the app installed one, else to
 * `console.warn`, because without a logger `diag.warn` goes nowhere and the loss would stay silent.
 */
export function warnLoudly(message: string): void {
  const globals = (globalThis as Record<symbol, { diag?: unknown } | undefined>)[OTEL_API_GLOBALS];
  if (globals?.diag) diag.warn(message);
  else console.warn(message);
}
