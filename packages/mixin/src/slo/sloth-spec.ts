/**
 * The SLO format: Sloth's `prometheus/v1` spec (https://sloth.dev), field for field, so a Sloth file works
 * unchanged as input and the built-in objectives are written in the same format. Queries contain the Go
 * template `{{.window}}`, which the generator replaces with each SLI window.
 */
export interface SlothSpec {
  readonly version: 'prometheus/v1';
  readonly service: string;
  /** Labels on every generated rule, e.g. `owner`, `tier`. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly slos: readonly SlothSlo[];
}

export interface SlothSlo {
  /** `^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$`; `sloth_id` is `<service>-<name>`. */
  readonly name: string;
  readonly description?: string;
  /** Percent of good events, in (0, 100): 100 would leave no error budget to divide by. */
  readonly objective: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly sli: SlothSli;
  readonly alerting: SlothAlerting;
}

export type SlothSli =
  | { readonly events: { readonly error_query: string; readonly total_query: string } }
  | { readonly raw: { readonly error_ratio_query: string } };

export interface SlothAlerting {
  /** Alert name of every burn-rate tier of this SLO (page and ticket share it, as in Sloth). */
  readonly name?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly page_alert?: SlothAlert;
  readonly ticket_alert?: SlothAlert;
}

export interface SlothAlert {
  readonly disable?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Sloth's template variable; spaces inside the braces are allowed as in Go templates. */
export const WINDOW_PLACEHOLDER = /\{\{\s*\.window\s*\}\}/g;
const SLO_NAME = /^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/;
/** Service names become file names and `sloth_id` prefixes: no slashes or spaces. */
const SERVICE_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ALERT_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Checks an untrusted value (parsed YAML or JSON) against the Sloth `prometheus/v1` schema and returns it typed.
 * Every error names the field path, e.g. `slos[2].sli.events.total_query: expected a non-empty string`.
 */
export function validateSlothSpec(value: unknown, source = 'Sloth spec'): SlothSpec {
  const at = (path: string, message: string) => new Error(`${source}: ${path}: ${message}`);
  const spec = object(value, 'spec', at, ['version', 'service', 'labels', 'slos']);
  if (spec.version !== 'prometheus/v1') {
    throw at('version', `expected "prometheus/v1" (got ${JSON.stringify(spec.version)})`);
  }
  const service = text(spec.service, 'service', at);
  if (!SERVICE_NAME.test(service)) throw at('service', `"${service}" does not match ${SERVICE_NAME.source}`);
  labels(spec.labels, 'labels', at);
  if (!Array.isArray(spec.slos) || spec.slos.length === 0) throw at('slos', 'expected a non-empty list');
  const names = new Set<string>();
  spec.slos.forEach((item: unknown, i: number) => {
    const path = `slos[${i}]`;
    const slo = object(item, path, at, ['name', 'description', 'objective', 'labels', 'sli', 'alerting']);
    const name = text(slo.name, `${path}.name`, at);
    if (!SLO_NAME.test(name)) throw at(`${path}.name`, `"${name}" does not match ${SLO_NAME.source}`);
    if (names.has(name)) throw at(`${path}.name`, `duplicate SLO name "${name}"`);
    names.add(name);
    if (slo.description !== undefined) text(slo.description, `${path}.description`, at);
    const objective = slo.objective;
    if (typeof objective !== 'number' || !(objective > 0 && objective < 100)) {
      throw at(`${path}.objective`, `expected a percentage above 0 and below 100 (got ${String(objective)})`);
    }
    labels(slo.labels, `${path}.labels`, at);
    sli(slo.sli, `${path}.sli`, at);
    alerting(slo.alerting, `${path}.alerting`, at);
  });
  return value as SlothSpec;
}

type At = (path: string, message: string) => Error;

function object(value: unknown, path: string, at: At, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw at(path, 'expected a mapping');
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw at(path, `unknown field "${key}" (known: ${keys.join(', ')})`);
  }
  return value as Record<string, unknown>;
}

function text(value: unknown, path: string, at: At): string {
  if (typeof value !== 'string' || value.trim() === '') throw at(path, 'expected a non-empty string');
  return value;
}

function labels(value: unknown, path: string, at: At): void {
  if (value === undefined) return;
  const map = object(value, path, at, Object.keys(value ?? {}));
  for (const [name, v] of Object.entries(map)) {
    if (!LABEL_NAME.test(name)) throw at(path, `"${name}" is not a valid label name`);
    if (typeof v !== 'string') throw at(`${path}.${name}`, 'expected a string (quote numbers in YAML)');
  }
}

function sli(value: unknown, path: string, at: At): void {
  const sli = object(value, path, at, ['events', 'raw', 'plugin']);
  if (sli.plugin !== undefined)
    throw at(`${path}.plugin`, 'SLI plugins are not supported; use events or raw');
  if ((sli.events === undefined) === (sli.raw === undefined))
    throw at(path, 'expected exactly one of events, raw');
  if (sli.events !== undefined) {
    const events = object(sli.events, `${path}.events`, at, ['error_query', 'total_query']);
    text(events.error_query, `${path}.events.error_query`, at);
    text(events.total_query, `${path}.events.total_query`, at);
  } else {
    const raw = object(sli.raw, `${path}.raw`, at, ['error_ratio_query']);
    text(raw.error_ratio_query, `${path}.raw.error_ratio_query`, at);
  }
}

function alerting(value: unknown, path: string, at: At): void {
  const alerting = object(value, path, at, ['name', 'labels', 'annotations', 'page_alert', 'ticket_alert']);
  const pageOn = alert(alerting.page_alert, `${path}.page_alert`, at);
  const ticketOn = alert(alerting.ticket_alert, `${path}.ticket_alert`, at);
  if (pageOn || ticketOn) {
    const name = text(alerting.name, `${path}.name`, at);
    if (!ALERT_NAME.test(name)) throw at(`${path}.name`, `"${name}" is not a valid alert name`);
  }
  labels(alerting.labels, `${path}.labels`, at);
  labels(alerting.annotations, `${path}.annotations`, at);
}

/** Validates one tier; returns whether it is enabled. */
function alert(value: unknown, path: string, at: At): boolean {
  if (value === undefined) return true;
  const tier = object(value, path, at, ['disable', 'labels', 'annotations']);
  if (tier.disable !== undefined && typeof tier.disable !== 'boolean')
    throw at(`${path}.disable`, 'expected true or false');
  labels(tier.labels, `${path}.labels`, at);
  labels(tier.annotations, `${path}.annotations`, at);
  return tier.disable !== true;
}
