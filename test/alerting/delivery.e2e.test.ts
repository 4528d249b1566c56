import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { generate, resolveConfig, type ConfigOverrides, type RuleGroup } from '@flux-metrics/mixin';
import { startAlertmanager } from '../support/alertmanager-server.ts';
import { startBridge } from '../support/dingtalk-bridge.ts';
import { waitFor } from '../support/processes.ts';
import { startDemo } from '../support/demo.ts';
import { startPrometheus } from '../support/prometheus-server.ts';
import { startDingTalkSink } from '../support/sinks/dingtalk-sink.ts';
import { startHttpSink } from '../support/sinks/http-sink.ts';
import { startSlackSink } from '../support/sinks/slack-sink.ts';
import { startSmtpSink } from '../support/sinks/smtp-sink.ts';
import { toolPath } from '../support/tools.ts';

const SMTP = { user: 'alertmanager', password: 'smtp-test-password' };
const DT_SECRET = 'SEC-e2e-0123456789abcdef';
/** The fault's page: RtspRequestErrors, raised to critical by a second-tier rule this test adds. */
const PAGE = 'RtspRequestErrors';
/** The fault's chat warning. */
const CHAT = 'StreamAbnormalTermination';
const FAULTS = { rtspErrors: true, errorStops: true };
const DEADLINE = 120_000;
const ERROR_RATIO =
  'sum(rate(rtsp_requests_total{job="media-server", status=~"5.."}[30s])) / sum(rate(rtsp_requests_total{job="media-server"}[30s]))';

/**
 * Writes the mixin's rule files (fast profile) and Alertmanager config (timings in seconds, local sinks)
 * into `dir`, generated from the same config users generate theirs from. `maintenance` adds a window that
 * covers every day, so "now" is inside it.
 */
function writeGenerated(dir: string, am: NonNullable<ConfigOverrides['alertmanager']>, maintenance: boolean) {
  const config = resolveConfig({
    alerts: { profile: 'fast' },
    alertmanager: { ...am, maintenanceWindow: maintenance ? [{ weekdays: ['sunday:saturday'] }] : [] },
  });
  const ruleFiles: string[] = [];
  for (const file of generate(config)) {
    if (!file.path.startsWith('prometheus/rules/') && !file.path.startsWith('alertmanager/')) continue;
    const target = join(dir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    if (file.path.startsWith('prometheus/rules/')) ruleFiles.push(target);
  }
  return ruleFiles;
}

/**
 * A critical tier of the warning alert PAGE, as a user adds one (same name, higher severity): Alertmanager
 * must page it and inhibit the warning of the same alert on the same instance.
 */
function writeCriticalTier(alertsFile: string, dir: string): string {
  const groups = (parse(readFileSync(alertsFile, 'utf8')) as { groups: RuleGroup[] }).groups;
  const rule = groups.flatMap((g) => g.rules).find((r) => 'alert' in r && r.alert === PAGE);
  assert.ok(rule && 'alert' in rule, `${PAGE} is among the generated alerts`);
  const critical = { ...rule, labels: { ...rule.labels, severity: 'critical' } };
  const path = join(dir, 'critical-tier.yml');
  writeFileSync(path, stringify({ groups: [{ name: 'e2e-critical-tier', rules: [critical] }] }));
  return path;
}

test('alert delivery: demo fault → Prometheus 3.7.3 → Alertmanager 0.28.1 → email, Slack and DingTalk', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flux-delivery-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  // Sinks: a real SMTP server, a Slack webhook, two DingTalk robots (critical, warning), the dead-man service.
  const smtp = await startSmtpSink(SMTP);
  t.after(() => smtp.close());
  const slack = await startSlackSink();
  t.after(() => slack.close());
  const robots = {
    critical: await startDingTalkSink({ accessToken: 'critical-token', secret: DT_SECRET }),
    warning: await startDingTalkSink({ accessToken: 'warning-token', secret: DT_SECRET }),
  };
  t.after(() => Promise.all(Object.values(robots).map((r) => r.close())));
  const heartbeats: number[] = [];
  const deadman = await startHttpSink((_req, _body, res) => {
    heartbeats.push(Date.now());
    res.writeHead(200).end();
  });
  t.after(() => deadman.close());

  const bridge = await startBridge(
    () => ({
      targets: {
        critical: { url: robots.critical.robotUrl, secretEnv: 'E2E_DT_SECRET' },
        warning: { url: robots.warning.robotUrl, secretEnv: 'E2E_DT_SECRET' },
      },
    }),
    {},
    { E2E_DT_SECRET: DT_SECRET },
  );
  t.after(() => bridge.stop());

  // Secrets as files, as in production.
  const secret = (name: string, value: string) => {
    writeFileSync(join(dir, name), value);
    return join(dir, name);
  };
  const seconds = { groupWait: '1s', groupInterval: '2s', repeatInterval: '1h' };
  const am = {
    timing: {
      critical: seconds,
      warning: seconds,
      watchdog: { groupWait: '0s', groupInterval: '1s', repeatInterval: '2s' },
    },
    email: {
      smarthost: smtp.smarthost,
      authUsername: SMTP.user,
      authPasswordFile: secret('smtp_password', SMTP.password),
      requireTls: false,
    },
    slack: { apiUrlFile: secret('slack_url', `${slack.url}/services/T000/B000/XXXX`) },
    dingtalk: { bridgeUrl: bridge.url },
    watchdog: { urlFile: secret('deadman_url', `${deadman.url}/ping`) },
  };
  const ruleFiles = writeGenerated(dir, am, false);
  ruleFiles.push(writeCriticalTier(join(dir, 'prometheus/rules/alerts.yml'), dir));

  const alertmanager = await startAlertmanager(
    toolPath('alertmanager'),
    join(dir, 'alertmanager/alertmanager.yml'),
  );
  t.after(() => alertmanager.stop());

  const demo = await startDemo({ durationSeconds: 600 });
  t.after(() => demo.stop('SIGTERM'));
  const prometheus = await startPrometheus(
    [{ job_name: 'media-server', target: demo.metricsTarget, labels: {} }],
    {
      binary: toolPath('prometheus'),
      ruleFiles,
      alertmanagers: [alertmanager.url],
      // Watchdog fires at the first evaluation, often before Prometheus has discovered Alertmanager; the default
      // resend (1m) would hold the first heartbeat back a minute.
      extraArgs: ['--rules.alert.resend-delay=5s'],
    },
  );
  t.after(() => prometheus.stop());

  const failWith = async (err: Error): Promise<never> => {
    const alerts = await prometheus.alerts().catch(() => []);
    const ratio = await prometheus
      .query(`${ERROR_RATIO}`)
      .then((r) => r.map((x) => x.value.toFixed(3)).join(', '))
      .catch(() => '?');
    throw new Error(
      [
        err.message,
        `Prometheus alerts: ${alerts.map((a) => `${a.labels.alertname}/${a.labels.severity}=${a.state}`).join(', ')}`,
        `RTSP 5xx ratio now: ${ratio}`,
        `--- Alertmanager\n${alertmanager.child.output().slice(-3000)}`,
        `--- bridge\n${bridge.child.output().slice(-2000)}`,
        `--- demo\n${demo.output().slice(-2000)}`,
      ].join('\n'),
    );
  };
  await waitFor(
    'the demo scraped',
    async () => ((await prometheus.query('up{job="media-server"} == 1')).length ? true : undefined),
    60_000,
  ).catch(failWith);
  await waitFor(
    'the demo API',
    async () => ((await fetch(`${demo.apiUrl}/faults`)).ok ? true : undefined),
    30_000,
  ).catch(failWith);

  const mailsFor = (name: string, status: string) =>
    smtp.mails.filter((m) => m.mail.subject?.includes(name) && m.mail.subject.startsWith(`[${status}`));
  const slackFor = (channel: string, name: string, status: string) =>
    slack.messages.filter(
      (m) =>
        m.channel === channel &&
        m.attachments.some((a) => a.title?.startsWith(`[${status}`) && a.title.includes(name)),
    );
  const dingFor = (robot: keyof typeof robots, name: string, status: string) =>
    robots[robot].messages.filter((m) => m.text.includes(`### [${status}`) && m.text.includes(name));

  /**
   * True once every notification Alertmanager has started has arrived. Alertmanager posts one notification to
   * Slack, email and the bridge at once, but only Slack records it at once: a mail lands after the SMTP
   * dialogue and parsing, a DingTalk message after the bridge's per-robot queue (rate limit, "too fast"
   * retries). Sinks are read before Alertmanager's counters, so a notification started in between can only
   * make the check fail, never pass early.
   */
  const quiet = async () => {
    const beats = heartbeats.length;
    const arrived = { email: smtp.mails.length, slack: slack.messages.length };
    const accepted = await bridge.metric('flux_dingtalk_webhooks_total', { result: 'accepted' });
    const sent = async (integration: string) =>
      alertmanager.metric('alertmanager_notifications_total', { integration });
    const counted = {
      email: await sent('email'),
      slack: await sent('slack'),
      webhook: await sent('webhook'),
    };
    const queued = await bridge.queued();
    return counted.email === arrived.email &&
      counted.slack === arrived.slack &&
      counted.webhook === beats + accepted &&
      heartbeats.length === beats &&
      queued === 0
      ? true
      : undefined;
  };

  const faultOn = Date.now();
  await demo.setFaults(FAULTS);

  await t.test(
    'firing: the page reaches email, Slack and DingTalk; the warning reaches both chats',
    async () => {
      const measured: Record<string, number> = {};
      const arrival = async (sink: string, find: () => { receivedAt: number } | undefined) => {
        const found = await waitFor(`${sink}: firing`, async () => find(), DEADLINE).catch(failWith);
        measured[sink] = (found.receivedAt - faultOn) / 1000;
      };
      await Promise.all([
        arrival('email (critical)', () => mailsFor(PAGE, 'FIRING')[0]),
        arrival('Slack #alerts-critical', () => slackFor('#alerts-critical', PAGE, 'FIRING')[0]),
        arrival('DingTalk critical robot', () => dingFor('critical', PAGE, 'FIRING')[0]),
        arrival('Slack #alerts-warning', () => slackFor('#alerts-warning', CHAT, 'FIRING')[0]),
        arrival('DingTalk warning robot', () => dingFor('warning', CHAT, 'FIRING')[0]),
      ]);
      for (const [sink, s] of Object.entries(measured)) t.diagnostic(`fault → ${sink}: ${s.toFixed(1)} s`);

      const mail = mailsFor(PAGE, 'FIRING')[0]!;
      assert.equal(mail.user, SMTP.user, 'authenticated with the password from the file');
      assert.equal(mail.mail.subject, `[FIRING:1] ${PAGE} critical media-server`);
      for (const expected of [
        'RTSP requests fail with server errors.',
        '5xx status',
        `runbooks/${PAGE}.md`,
        '/graph?g0.expr=',
      ]) {
        assert.ok(mail.mail.text?.includes(expected), `email text has ${expected}:\n${mail.mail.text}`);
        assert.ok(String(mail.mail.html).includes(expected), `email HTML has ${expected}`);
      }
      const slackText = slackFor('#alerts-critical', PAGE, 'FIRING')[0]!.attachments[0]!;
      assert.equal(slackText.color, 'danger');
      assert.match(
        slackText.text ?? '',
        new RegExp(`\\*${PAGE}\\* \\[critical\\]: RTSP requests fail with server errors\\.`),
      );
      assert.match(slackText.text ?? '', /\|Runbook> \| <http.*\|Prometheus>/);
      const ding = dingFor('critical', PAGE, 'FIRING')[0]!;
      assert.match(ding.title, new RegExp(`^\\[FIRING:1\\] ${PAGE} critical media-server`));
      assert.match(ding.text, /\[Runbook\]\(https:.*\) \| \[Prometheus\]\(http/);
      for (const robot of Object.values(robots))
        assert.deepEqual(robot.refusals, [], 'signature and limits accepted');
      await waitFor(
        'the Watchdog heartbeat at the dead-man receiver',
        async () => heartbeats[0],
        30_000,
      ).catch(failWith);
    },
  );

  await t.test('inhibited: the warning of the paged alert reaches nobody', async () => {
    const warning = await waitFor(
      `${PAGE} warning in Alertmanager`,
      async () =>
        (await alertmanager.alerts()).find(
          (a) => a.labels.alertname === PAGE && a.labels.severity === 'warning',
        ),
      DEADLINE,
    ).catch(failWith);
    assert.equal(warning.status.state, 'suppressed');
    assert.ok(warning.status.inhibitedBy.length > 0, 'inhibited by the critical tier');
    assert.ok(
      (await alertmanager.metric('alertmanager_notifications_suppressed_total', { reason: 'inhibition' })) >
        0,
    );
    assert.equal(slackFor('#alerts-warning', PAGE, 'FIRING').length, 0, 'not in Slack chat');
    assert.equal(dingFor('warning', PAGE, 'FIRING').length, 0, 'not in DingTalk chat');
    assert.ok(
      smtp.mails.every((m) => !/warning/.test(m.mail.subject ?? '')),
      'no warning by email',
    );
  });

  await t.test('resolved: each sink hears that the fault is over', async () => {
    const off = Date.now();
    await demo.setFaults({ rtspErrors: false, errorStops: false });
    const measured: Record<string, number> = {};
    const arrival = async (sink: string, find: () => { receivedAt: number } | undefined) => {
      const found = await waitFor(`${sink}: resolved`, async () => find(), DEADLINE).catch(failWith);
      measured[sink] = (found.receivedAt - off) / 1000;
    };
    await Promise.all([
      arrival('email', () => mailsFor(PAGE, 'RESOLVED')[0]),
      arrival('Slack #alerts-critical', () => slackFor('#alerts-critical', PAGE, 'RESOLVED')[0]),
      arrival('DingTalk critical robot', () => dingFor('critical', PAGE, 'RESOLVED')[0]),
      arrival('Slack #alerts-warning', () => slackFor('#alerts-warning', CHAT, 'RESOLVED')[0]),
      arrival('DingTalk warning robot', () => dingFor('warning', CHAT, 'RESOLVED')[0]),
    ]);
    for (const [sink, s] of Object.entries(measured))
      t.diagnostic(`fault off → ${sink} resolved: ${s.toFixed(1)} s`);
    assert.equal(slackFor('#alerts-critical', PAGE, 'RESOLVED')[0]!.attachments[0]!.color, 'good');
    assert.match(mailsFor(PAGE, 'RESOLVED')[0]!.mail.text ?? '', /RESOLVED[\s\S]*resolved: /);
  });

  await t.test('maintenance window: the same fault sends nothing, the heartbeat continues', async () => {
    await waitFor(
      'every alert of the first fault resolved in Alertmanager',
      async () =>
        (await alertmanager.alerts()).some((a) => a.labels.alertname === PAGE || a.labels.alertname === CHAT)
          ? undefined
          : true,
      DEADLINE,
    ).catch(failWith);
    writeGenerated(dir, am, true);
    await alertmanager.reload();
    // From here on Alertmanager mutes every notification (resolved ones of earlier groups too): once what it
    // sent before has arrived, any new message was sent during the window.
    await waitFor('every earlier notification delivered', quiet, DEADLINE).catch(failWith);
    const before = {
      mails: smtp.mails.length,
      slack: slack.messages.length,
      critical: robots.critical.messages.length,
      warning: robots.warning.messages.length,
    };
    const muted = await alertmanager.metric('alertmanager_notifications_suppressed_total', {
      reason: 'mute_time_interval',
    });
    const beats = heartbeats.length;
    await demo.setFaults(FAULTS);
    t.after(() => demo.setFaults({ rtspErrors: false, errorStops: false }).catch(() => undefined));
    await waitFor(
      'the page and the warning firing in Alertmanager',
      async () => {
        const names = new Set((await alertmanager.alerts()).map((a) => a.labels.alertname));
        return names.has(PAGE) && names.has(CHAT) ? true : undefined;
      },
      DEADLINE,
    ).catch(failWith);
    // Two flushes of both groups muted: when a notification would have gone out, it was held back, twice.
    await waitFor(
      'notifications muted by the maintenance window',
      async () =>
        (await alertmanager.metric('alertmanager_notifications_suppressed_total', {
          reason: 'mute_time_interval',
        })) >=
        muted + 4
          ? true
          : undefined,
      DEADLINE,
    ).catch(failWith);
    assert.deepEqual(
      {
        mails: smtp.mails.length,
        slack: slack.messages.length,
        critical: robots.critical.messages.length,
        warning: robots.warning.messages.length,
      },
      before,
      'nothing sent during maintenance',
    );
    await waitFor(
      'a heartbeat during maintenance',
      async () => (heartbeats.length > beats ? true : undefined),
      30_000,
    );
  });
});
