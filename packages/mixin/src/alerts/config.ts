/** Thresholds and `for` durations of the alert rules (filled in by the alerting work). */
export interface AlertsConfig {
  /** `for` of every alert is scaled to this profile: `fast` is for end-to-end tests only. */
  readonly profile: 'production' | 'fast';
}

export const defaultAlertsConfig: AlertsConfig = { profile: 'production' };
