import type { MixinConfig } from '../config.js';

/** Receiver names, shared by the routes and the tests that check where an alert goes. */
export const RECEIVER = {
  none: 'null',
  page: 'critical-page',
  chat: 'warning-chat',
  watchdog: 'deadman',
} as const;

const tmpl = (name: string) => `{{ template "${name}" . }}`;

function slack(channel: string, apiUrlFile = '') {
  return {
    ...(apiUrlFile ? { api_url_file: apiUrlFile } : {}),
    channel,
    send_resolved: true,
    title: tmpl('flux.title'),
    text: tmpl('flux.slack.text'),
    color: tmpl('flux.slack.color'),
  };
}

function dingtalk(config: MixinConfig, target: string) {
  const d = config.alertmanager.dingtalk;
  return {
    url: `${d.bridgeUrl.replace(/\/+$/, '')}/dingtalk/${encodeURIComponent(target)}/send`,
    send_resolved: true,
    max_alerts: d.maxAlerts,
  };
}

/** Critical pages go to all three channels, warnings to the two chats, the heartbeat to the dead-man service. */
export function receivers(config: MixinConfig) {
  const am = config.alertmanager;
  return [
    { name: RECEIVER.none },
    {
      name: RECEIVER.page,
      email_configs: [
        {
          to: am.email.to,
          send_resolved: true,
          headers: { Subject: tmpl('flux.title') },
          html: tmpl('flux.email.html'),
          text: tmpl('flux.email.text'),
        },
      ],
      slack_configs: [slack(am.slack.criticalChannel)],
      webhook_configs: [dingtalk(config, am.dingtalk.criticalTarget)],
    },
    {
      name: RECEIVER.chat,
      slack_configs: [slack(am.slack.warningChannel, am.slack.warningApiUrlFile)],
      webhook_configs: [dingtalk(config, am.dingtalk.warningTarget)],
    },
    {
      name: RECEIVER.watchdog,
      // A heartbeat: the external service pages when these stop; "resolved" would mean nothing to it.
      webhook_configs: [{ url_file: am.watchdog.urlFile, send_resolved: false }],
    },
  ];
}

/** SMTP and Slack settings shared by every receiver; secrets only as file paths. */
export function globalSettings(config: MixinConfig) {
  const { email, slack: s } = config.alertmanager;
  return {
    resolve_timeout: '5m',
    smtp_smarthost: email.smarthost,
    smtp_from: email.from,
    ...(email.authUsername
      ? { smtp_auth_username: email.authUsername, smtp_auth_password_file: email.authPasswordFile }
      : {}),
    smtp_require_tls: email.requireTls,
    slack_api_url_file: s.apiUrlFile,
  };
}
