import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { toolPath } from '../support/tools.ts';

// The committed, generated config: what users deploy (the mixin check keeps it in step with the generator).
const deployDir = fileURLToPath(new URL('../../deploy/alertmanager/', import.meta.url));
const configFile = join(deployDir, 'alertmanager.yml');
const amtool = toolPath('amtool');

function amtoolRun(args: string[]) {
  const result = spawnSync(amtool, args, { encoding: 'utf8' });
  assert.equal(result.error, undefined);
  return result;
}

test('amtool 0.28.1 check-config accepts the generated config and its templates', () => {
  const result = amtoolRun(['check-config', configFile]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /4 receivers/);
  assert.match(result.stdout, /1 templates/);
});

/** label set → the receivers `amtool config routes test` must resolve it to. */
const ROUTES: [string, string[], string][] = [
  [
    'a critical alert pages on all channels',
    ['alertname=HighErrorRate', 'severity=critical'],
    'critical-page',
  ],
  ['a warning goes to chat', ['alertname=HighDiskUsage', 'severity=warning', 'job=media'], 'warning-chat'],
  ['info is sent nowhere', ['alertname=LabelOverflowRising', 'severity=info'], 'null'],
  ['Watchdog goes to the dead-man receiver', ['alertname=Watchdog', 'severity=none'], 'deadman'],
  ['Watchdog wins over its severity', ['alertname=Watchdog', 'severity=critical'], 'deadman'],
  ['an SLO page pages', ['alertname=SloBurn', 'sloth_id=media-rtsp', 'severity=critical'], 'critical-page'],
  [
    'an SLO ticket goes to chat',
    ['alertname=SloBurn', 'sloth_id=media-rtsp', 'severity=warning'],
    'warning-chat',
  ],
  ['an absence alert pages', ['alertname=ServiceDown', 'job=media', 'severity=critical'], 'critical-page'],
  ['no severity falls through to chat, not into the void', ['alertname=Custom'], 'warning-chat'],
  ['an unknown severity falls through to chat', ['alertname=Custom', 'severity=page'], 'warning-chat'],
];

for (const [name, labels, receiver] of ROUTES) {
  test(`routes: ${name}`, () => {
    const result = amtoolRun([
      'config',
      'routes',
      'test',
      `--config.file=${configFile}`,
      `--verify.receivers=${receiver}`,
      ...labels,
    ]);
    assert.equal(result.status, 0, `${labels.join(' ')} → ${result.stdout}${result.stderr}`);
    assert.equal(result.stdout.trim(), receiver);
  });
}

interface RouteNode {
  receiver: string;
  matchers?: string[];
  mute_time_intervals?: string[];
  routes?: RouteNode[];
}

test('routes: the maintenance window mutes every sending route except the heartbeat', () => {
  const config = parse(readFileSync(configFile, 'utf8')) as {
    route: RouteNode;
    time_intervals: { name: string; time_intervals: unknown[] }[];
  };
  const window = config.time_intervals.find((t) => t.name === 'maintenance-window');
  assert.ok(window && window.time_intervals.length > 0, 'maintenance-window is defined');
  for (const route of config.route.routes ?? []) {
    const muted = route.mute_time_intervals?.includes('maintenance-window') ?? false;
    const expectMuted = route.receiver !== 'deadman' && route.receiver !== 'null';
    assert.equal(muted, expectMuted, `${route.receiver} ${JSON.stringify(route.matchers ?? [])}`);
  }
  // Which times it covers is Alertmanager's business: the e2e test runs one that covers "now".
});

test('no secret is inlined: only *_file fields carry credentials and URLs with tokens', () => {
  const text = readFileSync(configFile, 'utf8');
  assert.doesNotMatch(text, /smtp_auth_password:|api_url:|auth_password:|hooks\.slack\.com|access_token/);
  assert.match(text, /smtp_auth_password_file:/);
  assert.match(text, /slack_api_url_file:/);
  assert.match(text, /url_file:/);
});

function alert(i: number, status: 'firing' | 'resolved') {
  return {
    status,
    labels: { alertname: 'HighErrorRate', severity: 'critical', job: 'media', instance: `host${i}:9464` },
    annotations: {
      summary: 'Error ratio is high.',
      description: `Error ratio of media on host${i} is 5.2% <script>x</script>.`,
      runbook_url: 'https://example.com/runbooks/HighErrorRate.md',
    },
    startsAt: '2026-01-01T10:00:00Z',
    endsAt: status === 'resolved' ? '2026-01-01T10:05:00Z' : '0001-01-01T00:00:00Z',
    generatorURL: `http://prometheus:9090/graph?g0.expr=errors${i}`,
    fingerprint: `f${i}`,
  };
}

function render(name: string, type: 'text' | 'html', alerts: ReturnType<typeof alert>[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'flux-am-tmpl-'));
  try {
    const data = join(dir, 'data.json');
    writeFileSync(
      data,
      JSON.stringify({
        receiver: 'critical-page',
        status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
        alerts,
        groupLabels: { alertname: 'HighErrorRate', severity: 'critical', job: 'media' },
        commonLabels: { alertname: 'HighErrorRate', severity: 'critical', job: 'media' },
        commonAnnotations: {},
        externalURL: 'http://alertmanager:9093',
      }),
    );
    const result = amtoolRun([
      'template',
      'render',
      `--template.glob=${join(deployDir, 'templates', '*.tmpl')}`,
      `--template.type=${type}`,
      `--template.data=${data}`,
      `--template.text={{ template "${name}" . }}`,
    ]);
    assert.equal(result.status, 0, result.stderr);
    return result.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('templates: title and email show name, severity, summary, description, runbook and Prometheus links', () => {
  const alerts = [alert(1, 'firing'), alert(2, 'firing')];
  assert.equal(render('flux.title', 'text', alerts).trim(), '[FIRING:2] HighErrorRate critical media');
  const text = render('flux.email.text', 'text', alerts);
  for (const expected of [
    'HighErrorRate [critical] FIRING',
    'Summary: Error ratio is high.',
    'Description: Error ratio of media on host2 is 5.2%',
    'Runbook: https://example.com/runbooks/HighErrorRate.md',
    'Prometheus: http://prometheus:9090/graph?g0.expr=errors1',
  ]) {
    assert.ok(text.includes(expected), `${expected} in\n${text}`);
  }
  const html = render('flux.email.html', 'html', [alert(1, 'resolved')]);
  assert.match(html, /<a href="https:\/\/example.com\/runbooks\/HighErrorRate.md">Runbook<\/a>/);
  assert.match(html, /RESOLVED/);
  assert.doesNotMatch(html, /<script>/, 'annotation text is escaped in HTML email');
});

test('templates: Slack shows at most 10 alerts and counts the rest', () => {
  const alerts = Array.from({ length: 12 }, (_, i) => alert(i, 'firing'));
  const text = render('flux.slack.text', 'text', alerts);
  assert.equal(text.match(/\*HighErrorRate\* \[critical\]/g)?.length, 10);
  assert.match(text, /Showing 10 of 12 alerts/);
  assert.match(
    text,
    /<https:\/\/example.com\/runbooks\/HighErrorRate.md\|Runbook> \| <http:\/\/prometheus:9090/,
  );
  assert.equal(render('flux.slack.color', 'text', alerts).trim(), 'danger');
  assert.equal(render('flux.slack.color', 'text', [alert(1, 'resolved')]).trim(), 'good');
});
