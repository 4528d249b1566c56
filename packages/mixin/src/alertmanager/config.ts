/** Alertmanager routing settings (filled in by the delivery work). */
export interface AlertmanagerConfig {
  readonly groupWait: string;
}

export const defaultAlertmanagerConfig: AlertmanagerConfig = { groupWait: '30s' };
