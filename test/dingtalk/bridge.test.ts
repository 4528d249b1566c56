import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBridge } from '../support/dingtalk-bridge.ts';
import { freePort, waitFor } from '../support/processes.ts';
import { startDingTalkSink } from '../support/sinks/dingtalk-sink.ts';

const TOKEN = 'tok-0123456789abcdef';
const SECRET = 'SEC0123456789abcdef0123456789abcdef';

function webhook(alertname: string, status: 'firing' | 'resolved' = 'firing', extra: object = {}) {
  return {
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'critical-page',
    groupLabels: { alertname },
    commonLabels: { alertname, severity: 'critical', job: 'media' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status,
        labels: { alertname, severity: 'critical', job: 'media', instance: 'host1' },
        annotations: { summary: `${alertname} summary.`, description: `${alertname} on host1.` },
        startsAt: '2026-01-01T10:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph',
        fingerprint: alertname,
      },
    ],
    ...extra,
  };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

test('delivers signed markdown with mentions; bad input gets a clear 4xx and a log line, never a crash or a secret', async (t) => {
  const sink = await startDingTalkSink({ accessToken: TOKEN, secret: SECRET });
  t.after(() => sink.close());
  const bridge = await startBridge(
    (dir) => ({
      targets: {
        critical: {
          urlFile: join(dir, 'url'),
          secretEnv: 'TEST_DINGTALK_SECRET',
          mention: { mobiles: ['13800000000'] },
        },
      },
      maxBodyBytes: 65536,
    }),
    { url: sink.robotUrl },
    { TEST_DINGTALK_SECRET: SECRET },
  );
  t.after(() => bridge.stop());
  const send = `${bridge.url}/dingtalk/critical/send`;

  const bad: [string, () => Promise<{ status: number; body: string }>, number, RegExp][] = [
    ['not JSON', () => post(send, '{oops'), 400, /not JSON/],
    [
      'wrong version',
      () => post(send, { ...webhook('X'), version: '3' }),
      400,
      /unsupported webhook version "3"/,
    ],
    ['no alerts array', () => post(send, { version: '4' }), 400, /"alerts" must be an array/],
    ['oversized', () => post(send, 'x'.repeat(70_000)), 413, /larger than 65536 bytes/],
    [
      'unknown target',
      () => post(`${bridge.url}/dingtalk/nobody/send`, webhook('X')),
      404,
      /unknown target "nobody"/,
    ],
    [
      'wrong method',
      () => fetch(send).then(async (r) => ({ status: r.status, body: await r.text() })),
      405,
      /POST/,
    ],
  ];
  for (const [what, request, status, message] of bad) {
    const res = await request();
    assert.equal(res.status, status, `${what}: ${res.body}`);
    assert.match((JSON.parse(res.body) as { error: string }).error, message, what);
  }
  await waitFor(
    'a log line per refusal',
    async () => (bridge.child.output().match(/rejected webhook/g)?.length ?? 0) >= 5 || undefined,
    5000,
  );

  const ok = await post(send, webhook('HighErrorRate'));
  assert.equal(ok.status, 200, ok.body);
  const message = await waitFor('the robot message', async () => sink.messages[0], 10_000);
  assert.equal(sink.refusals.length, 0, JSON.stringify(sink.refusals));
  assert.equal(message.title, '[FIRING:1] HighErrorRate critical media');
  assert.match(message.text, /HighErrorRate summary\./);
  assert.match(message.text, /@13800000000/);
  assert.deepEqual(message.at.atMobiles, ['13800000000']);

  const health = (await (await fetch(`${bridge.url}/healthz`)).json()) as { status: string };
  assert.equal(health.status, 'ok');
  const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
  assert.match(metrics, /flux_dingtalk_webhooks_total\{[^}]*result="accepted"[^}]*\} 1/);
  assert.match(metrics, /flux_dingtalk_webhooks_total\{[^}]*result="not_json"[^}]*\} 1/);
  assert.match(metrics, /flux_dingtalk_send_attempts_total\{[^}]*outcome="ok"[^}]*\} 1/);
  assert.match(metrics, /http_requests_total\{[^}]*path="\/dingtalk\/:target\/send"/);

  assert.equal(bridge.child.process.exitCode, null, 'still running');
  assert.doesNotMatch(bridge.child.output(), new RegExp(`${TOKEN}|${SECRET}`), 'no secret in logs');
});

test('at most N messages per window per robot: what queues meanwhile is merged, nothing is lost', async (t) => {
  const sink = await startDingTalkSink({ accessToken: TOKEN, secret: SECRET, limit: 100 });
  t.after(() => sink.close());
  const windowMs = 2000;
  const bridge = await startBridge(
    () => ({
      targets: { chat: { url: sink.robotUrl, secretEnv: 'S' } },
      rateLimit: { messages: 3, windowMs },
    }),
    {},
    { S: SECRET },
  );
  t.after(() => bridge.stop());

  const names = Array.from({ length: 10 }, (_, i) => `Burst${i}`);
  for (const name of names)
    assert.equal((await post(`${bridge.url}/dingtalk/chat/send`, webhook(name))).status, 200);
  await waitFor(
    'every burst alert delivered',
    async () =>
      names.every((n) => sink.messages.some((m) => m.text.includes(`${n} summary.`))) ? true : undefined,
    20_000,
  );
  const times = sink.messages.map((m) => m.receivedAt);
  assert.ok(
    sink.messages.length < names.length,
    `${sink.messages.length} messages for ${names.length} notifications`,
  );
  // Send times are at least a window apart every 3 messages; allow for delivery jitter on receipt.
  for (const start of times) {
    const inWindow = times.filter((x) => x >= start && x < start + windowMs - 250).length;
    assert.ok(inWindow <= 3, `${inWindow} messages within one window`);
  }
  assert.ok(
    sink.messages.some((m) => /^\d+ notifications: /.test(m.title)),
    'a merged message',
  );
});

test('"send too fast" (130101): the bridge holds the robot for a window, merges, and delivers everything', async (t) => {
  const windowMs = 5000;
  const sink = await startDingTalkSink({ accessToken: TOKEN, secret: SECRET, limit: 2, windowMs });
  t.after(() => sink.close());
  const bridge = await startBridge(
    (dir) => ({
      targets: { chat: { url: sink.robotUrl, secretEnv: 'S' } },
      // The bridge believes in a higher limit than the robot enforces (another sender shares the robot).
      rateLimit: { messages: 20, windowMs },
      retry: { attempts: 5, initialDelayMs: 200, maxDelayMs: 1000 },
      deadLetterFile: join(dir, 'dead.jsonl'),
    }),
    {},
    { S: SECRET },
  );
  t.after(() => bridge.stop());

  const names = ['Fast0', 'Fast1', 'Fast2', 'Fast3', 'Fast4'];
  const send = async (name: string) =>
    assert.equal((await post(`${bridge.url}/dingtalk/chat/send`, webhook(name))).status, 200);
  // Two delivered one by one use up the robot's window; the third is refused while the last two queue.
  for (const [i, name] of names.slice(0, 2).entries()) {
    await send(name);
    await waitFor(`${name} delivered`, async () => (sink.messages.length > i ? true : undefined), 10_000);
  }
  for (const name of names.slice(2)) await send(name);
  await waitFor(
    'every alert delivered despite 130101',
    async () =>
      names.every((n) => sink.messages.some((m) => m.text.includes(`${n} summary.`))) ? true : undefined,
    20_000,
  );
  assert.ok(
    sink.refusals.some((r) => r.errcode === 130101),
    'the robot did answer "too fast"',
  );
  assert.equal(
    sink.refusals.filter((r) => r.errcode === 130101).length,
    1,
    'one refusal: then it waited a window',
  );
  const refusal = sink.refusals.find((r) => r.errcode === 130101)!;
  const after = sink.messages.filter((m) => m.receivedAt > refusal.at);
  assert.equal(after.length, 1, 'what queued meanwhile went out as one message');
  assert.match(after[0]!.title, /^3 notifications: /);
  assert.ok(after[0]!.receivedAt - refusal.at >= windowMs - 250, 'the robot was held for a window');
  assert.ok(!existsSync(join(bridge.dir, 'dead.jsonl')), 'nothing dead-lettered');
  const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
  assert.match(metrics, /flux_dingtalk_send_attempts_total\{[^}]*outcome="too_fast"[^}]*\} 1/);
  assert.match(bridge.child.output(), /too_fast \(errcode 130101: send too fast/);
});

test('5xx is retried with backoff; an unreachable robot ends in the dead-letter file without its URL', async (t) => {
  const sink = await startDingTalkSink({ accessToken: TOKEN, secret: SECRET });
  t.after(() => sink.close());
  sink.state.failNext = 2;
  const deadPort = await freePort();
  const deadUrl = `http://127.0.0.1:${deadPort}/robot/send?access_token=${TOKEN}`;
  const bridge = await startBridge(
    (dir) => ({
      targets: { flaky: { url: sink.robotUrl, secretEnv: 'S' }, gone: { url: deadUrl, secretEnv: 'S' } },
      retry: { attempts: 3, initialDelayMs: 100, maxDelayMs: 400 },
      deadLetterFile: join(dir, 'dead.jsonl'),
    }),
    {},
    { S: SECRET },
  );
  t.after(() => bridge.stop());

  assert.equal((await post(`${bridge.url}/dingtalk/flaky/send`, webhook('Flaky'))).status, 200);
  assert.equal((await post(`${bridge.url}/dingtalk/gone/send`, webhook('Gone'))).status, 200);
  await waitFor(
    'delivered after two 503s',
    async () => sink.messages.find((m) => m.text.includes('Flaky summary.')),
    15_000,
  );
  assert.equal(sink.state.failNext, 0);
  const dead = await waitFor(
    'a dead letter',
    async () =>
      existsSync(join(bridge.dir, 'dead.jsonl'))
        ? readFileSync(join(bridge.dir, 'dead.jsonl'), 'utf8')
        : undefined,
    15_000,
  );
  const entry = JSON.parse(dead.trim().split('\n')[0]!) as { target: string; reason: string; text: string };
  assert.equal(entry.target, 'gone');
  assert.match(entry.reason, /network: ECONNREFUSED/);
  assert.match(entry.text, /Gone summary\./);
  assert.doesNotMatch(dead + bridge.child.output(), new RegExp(`${TOKEN}|${SECRET}`));
  const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
  assert.match(
    metrics,
    /flux_dingtalk_notifications_total\{[^}]*result="dead_letter"[^}]*target="gone"[^}]*\} 1|flux_dingtalk_notifications_total\{[^}]*target="gone"[^}]*result="dead_letter"[^}]*\} 1/,
  );
});

test('a full queue dead-letters its oldest waiting messages; every notification is delivered or dead-lettered once', async (t) => {
  const sink = await startDingTalkSink({ accessToken: TOKEN, secret: SECRET });
  t.after(() => sink.close());
  sink.state.failNext = 1_000; // DingTalk down
  const bridge = await startBridge(
    (dir) => ({
      targets: { chat: { url: sink.robotUrl, secretEnv: 'S' } },
      retry: { attempts: 50, initialDelayMs: 300, maxDelayMs: 300 },
      maxQueue: 2,
      deadLetterFile: join(dir, 'dead.jsonl'),
    }),
    {},
    { S: SECRET },
  );
  t.after(() => bridge.stop());
  const names = ['Q0', 'Q1', 'Q2', 'Q3', 'Q4'];
  for (const name of names) {
    assert.equal((await post(`${bridge.url}/dingtalk/chat/send`, webhook(name))).status, 200);
  }
  const file = join(bridge.dir, 'dead.jsonl');
  const dead = await waitFor(
    'three dead letters (five queued, room for two)',
    async () => {
      const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
      return lines.length >= 3
        ? lines.map((l) => JSON.parse(l) as { reason: string; text: string })
        : undefined;
    },
    10_000,
  );
  assert.ok(dead.every((d) => d.reason === 'queue full'));
  sink.state.failNext = 0; // DingTalk back
  await waitFor(
    'the queue drained',
    async () => {
      const health = (await (await fetch(`${bridge.url}/healthz`)).json()) as { queued: { chat: number } };
      return health.queued.chat === 0 && sink.messages.length > 0 ? true : undefined;
    },
    15_000,
  );
  const texts = [...dead.map((d) => d.text), ...sink.messages.map((m) => m.text)];
  for (const name of names) {
    assert.equal(texts.filter((text) => text.includes(`${name} summary.`)).length, 1, `${name} exactly once`);
  }
});
