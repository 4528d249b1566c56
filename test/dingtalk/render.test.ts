import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bodyBytes,
  mergeMessages,
  parseWebhook,
  renderNotification,
  type Message,
  type WebhookPayload,
} from '@flux-metrics/dingtalk';

function payload(alerts: number, descriptionChars: number, truncatedAlerts = 0): WebhookPayload {
  return parseWebhook(
    JSON.stringify({
      version: '4',
      groupKey: 'g',
      truncatedAlerts,
      status: 'firing',
      receiver: 'critical-page',
      groupLabels: { alertname: 'HighErrorRate' },
      commonLabels: { alertname: 'HighErrorRate', severity: 'critical', job: 'media' },
      commonAnnotations: {},
      externalURL: 'http://alertmanager:9093',
      alerts: Array.from({ length: alerts }, (_, i) => ({
        status: 'firing',
        labels: { alertname: 'HighErrorRate', severity: 'critical', job: 'media', instance: `host${i}` },
        annotations: {
          summary: 'Error ratio is high.',
          description: `Host ${i}: ${'错误'.repeat(descriptionChars / 2)}`,
          runbook_url: 'https://example.com/runbooks/HighErrorRate.md',
        },
        startsAt: '2026-01-01T10:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: `http://prometheus:9090/graph?g0.expr=x${i}`,
        fingerprint: `f${i}`,
      })),
    }),
  );
}

const LIMIT = 19_999;
const fits = (m: Message) => bodyBytes(m, { mobiles: ['13800000000'] }) <= LIMIT;

test('a small notification shows every alert with its links', () => {
  const { message, notShown } = renderNotification(payload(2, 20), fits);
  assert.equal(notShown, 0);
  assert.equal(message.title, '[FIRING:2] HighErrorRate critical media');
  assert.match(message.text, /Error ratio is high\./);
  assert.match(message.text, /\[Runbook\]\(https:\/\/example.com\/runbooks\/HighErrorRate.md\)/);
  assert.match(message.text, /\[Prometheus\]\(http:\/\/prometheus:9090\/graph\?g0.expr=x1\)/);
  assert.doesNotMatch(message.text, /not shown/);
});

test('a huge notification stays under 20,000 bytes (multi-byte text) and counts every alert it cut', () => {
  const { message, notShown } = renderNotification(payload(200, 1200, 30), fits);
  assert.ok(bodyBytes(message, { mobiles: ['13800000000'] }) <= LIMIT, `${bodyBytes(message)} bytes`);
  const shown = message.text.match(/^#### /gm)?.length ?? 0;
  assert.ok(shown > 0 && shown < 200, `${shown} shown`);
  assert.equal(notShown, 200 - shown + 30, 'the 30 cut by Alertmanager max_alerts are counted too');
  assert.match(message.text, new RegExp(`\\*\\*${notShown} more alerts not shown\\*\\*`));
  assert.match(message.title, /^\[FIRING:230\]/);
});

test('one alert with an enormous description is clipped, not dropped', () => {
  const { message, notShown } = renderNotification(payload(1, 100_000), fits);
  assert.equal(notShown, 0);
  assert.ok(fits(message));
  assert.match(message.text, /…/);
});

test('queued messages merge into one until the size limit, the rest stay queued', () => {
  const one = renderNotification(payload(3, 400), fits).message;
  const queue = Array.from({ length: 10 }, () => one);
  const [merged, taken] = mergeMessages(queue, fits);
  assert.ok(taken > 1 && taken < 10, `took ${taken}`);
  assert.ok(fits(merged));
  assert.equal(merged.notifications, taken);
  assert.match(merged.title, new RegExp(`^${taken} notifications: `));
});

test('webhook parsing refuses what is not a version 4 Alertmanager body', () => {
  assert.throws(() => parseWebhook('{nope'), { status: 400, reason: 'not_json' });
  assert.throws(() => parseWebhook('{"version":"3","alerts":[]}'), { status: 400, reason: 'bad_version' });
  assert.throws(() => parseWebhook('[]'), { status: 400, reason: 'invalid' });
  assert.throws(() => parseWebhook('{"version":"4","alerts":{}}'), { status: 400, reason: 'invalid' });
  assert.throws(() => parseWebhook('{"version":"4","alerts":[1]}'), { status: 400, reason: 'invalid' });
});
