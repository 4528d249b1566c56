/** When one route sends: Alertmanager's `group_wait`, `group_interval` and `repeat_interval`. */
export interface RouteTiming {
  readonly groupWait: string;
  readonly groupInterval: string;
  readonly repeatInterval: string;
}

/** One Alertmanager `time_intervals` entry, in Alertmanager's own field names (docs: time_interval). */
export interface TimeIntervalSpec {
  readonly times?: readonly { readonly start_time: string; readonly end_time: string }[];
  readonly weekdays?: readonly string[];
  readonly days_of_month?: readonly string[];
  readonly months?: readonly string[];
  readonly years?: readonly string[];
  /** IANA zone name, e.g. `Asia/Shanghai`; UTC when left out. */
  readonly location?: string;
}

/**
 * Alertmanager routing and receivers (deploy/alertmanager/). Secrets are never part of the config: only the
 * paths of the files Alertmanager reads them from.
 */
export interface AlertmanagerConfig {
  /** Labels that make one notification: one alert name at one severity for one job keeps chat messages small. */
  readonly groupBy: readonly string[];
  readonly timing: {
    /** Pages: sent fast, repeated hourly while firing. */
    readonly critical: RouteTiming;
    /** Chat: batched, repeated twice a day. Also the timing of alerts without a known severity. */
    readonly warning: RouteTiming;
    /** The dead-man's switch: a steady heartbeat to an external service that pages when it stops. */
    readonly watchdog: RouteTiming;
  };
  readonly email: {
    /** `host:port` of the SMTP relay. */
    readonly smarthost: string;
    readonly from: string;
    /** Who receives critical pages by email. */
    readonly to: string;
    /** Empty: send without authentication. */
    readonly authUsername: string;
    /** File holding the SMTP password (read by Alertmanager at send time). */
    readonly authPasswordFile: string;
    /** STARTTLS required (port 587); port 465 uses implicit TLS regardless. */
    readonly requireTls: boolean;
  };
  readonly slack: {
    /** File holding the Slack incoming-webhook URL (the URL is the secret). */
    readonly apiUrlFile: string;
    readonly criticalChannel: string;
    readonly warningChannel: string;
    /**
     * A second webhook for warnings (Slack app webhooks post only to the channel they were made for); empty:
     * warnings use `apiUrlFile` too.
     */
    readonly warningApiUrlFile: string;
  };
  readonly dingtalk: {
    /** Base URL of the flux-dingtalk bridge (packages/dingtalk); `/dingtalk/<target>/send` is appended. */
    readonly bridgeUrl: string;
    readonly criticalTarget: string;
    readonly warningTarget: string;
    /** Alerts per webhook call; the rest are counted in `truncatedAlerts` and shown as a count. */
    readonly maxAlerts: number;
  };
  readonly watchdog: {
    /** The always-firing alert (`expr: vector(1)`) of the alert rules. */
    readonly alertname: string;
    /** File holding the dead-man's-switch URL (healthchecks.io, Opsgenie heartbeat, …: it embeds a token). */
    readonly urlFile: string;
  };
  /** Alerts meaning "the app or instance is gone": they inhibit that app's or instance's other alerts. */
  readonly absenceAlerts: readonly string[];
  /** When nothing is sent (except the heartbeat): planned work. Empty: no maintenance window. */
  readonly maintenanceWindow: readonly TimeIntervalSpec[];
}

export const defaultAlertmanagerConfig: AlertmanagerConfig = {
  groupBy: ['alertname', 'severity', 'job'],
  timing: {
    critical: { groupWait: '10s', groupInterval: '5m', repeatInterval: '1h' },
    warning: { groupWait: '30s', groupInterval: '5m', repeatInterval: '12h' },
    watchdog: { groupWait: '0s', groupInterval: '1m', repeatInterval: '5m' },
  },
  email: {
    smarthost: 'smtp.example.com:587',
    from: 'alertmanager@example.com',
    to: 'oncall@example.com',
    authUsername: 'alertmanager@example.com',
    authPasswordFile: '/etc/alertmanager/secrets/smtp_password',
    requireTls: true,
  },
  slack: {
    apiUrlFile: '/etc/alertmanager/secrets/slack_webhook_url',
    criticalChannel: '#alerts-critical',
    warningChannel: '#alerts-warning',
    warningApiUrlFile: '',
  },
  dingtalk: {
    bridgeUrl: 'http://dingtalk:8060',
    criticalTarget: 'critical',
    warningTarget: 'warning',
    maxAlerts: 50,
  },
  watchdog: { alertname: 'Watchdog', urlFile: '/etc/alertmanager/secrets/deadman_url' },
  absenceAlerts: ['ServiceDown', 'AppAbsent'],
  maintenanceWindow: [
    {
      weekdays: ['sunday'],
      times: [{ start_time: '02:00', end_time: '04:00' }],
      location: 'Asia/Shanghai',
    },
  ],
};
