/** One alert of an Alertmanager webhook (payload version 4). */
export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

/** The body Alertmanager POSTs to a webhook receiver (`"version": "4"`). */
export interface WebhookPayload {
  readonly version: '4';
  readonly groupKey: string;
  /** Alerts Alertmanager left out because of the receiver's `max_alerts`. */
  readonly truncatedAlerts: number;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly alerts: readonly WebhookAlert[];
}

/** Why a webhook was refused (the `result` label of flux_dingtalk_webhooks_total). */
export type RejectReason = 'not_json' | 'bad_version' | 'invalid' | 'too_large' | 'unknown_target';

/** Input the bridge refuses, with the HTTP status and a message safe to show the sender. */
export class BadRequest extends Error {
  constructor(
    readonly status: number,
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function labels(v: unknown, where: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw invalid(`${where} must be an object`);
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) out[k] = typeof value === 'string' ? value : String(value);
  return out;
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');
const status = (v: unknown): 'firing' | 'resolved' => (v === 'resolved' ? 'resolved' : 'firing');
const invalid = (message: string) => new BadRequest(400, 'invalid', message);

/** Parses and checks a webhook body; throws BadRequest for anything that is not a version 4 payload. */
export function parseWebhook(body: string): WebhookPayload {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new BadRequest(400, 'not_json', 'body is not JSON');
  }
  if (!isObject(raw)) throw invalid('body must be a JSON object');
  if (raw.version !== '4') {
    throw new BadRequest(
      400,
      'bad_version',
      `unsupported webhook version ${JSON.stringify(raw.version ?? null)}: expected "4" (Alertmanager ≥ 0.10)`,
    );
  }
  if (!Array.isArray(raw.alerts)) throw invalid('"alerts" must be an array');
  return {
    version: '4',
    groupKey: text(raw.groupKey),
    truncatedAlerts: Number.isInteger(raw.truncatedAlerts) ? Math.max(0, raw.truncatedAlerts as number) : 0,
    status: status(raw.status),
    receiver: text(raw.receiver),
    groupLabels: labels(raw.groupLabels, 'groupLabels'),
    commonLabels: labels(raw.commonLabels, 'commonLabels'),
    commonAnnotations: labels(raw.commonAnnotations, 'commonAnnotations'),
    externalURL: text(raw.externalURL),
    alerts: raw.alerts.map((a: unknown, i) => {
      if (!isObject(a)) throw invalid(`alerts[${i}] must be an object`);
      return {
        status: status(a.status),
        labels: labels(a.labels, `alerts[${i}].labels`),
        annotations: labels(a.annotations, `alerts[${i}].annotations`),
        startsAt: text(a.startsAt),
        endsAt: text(a.endsAt),
        generatorURL: text(a.generatorURL),
        fingerprint: text(a.fingerprint),
      };
    }),
  };
}
