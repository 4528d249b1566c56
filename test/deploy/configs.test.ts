import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { toolPath } from '../support/tools.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(command, args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(result.error, undefined, `${command} not runnable: run scripts/setup-system.sh`);
  return result;
}

test('docker-compose validates the full stack, with every image pinned', () => {
  const result = run('docker-compose', ['-f', 'deploy/docker-compose.yml', 'config'], {
    GRAFANA_ADMIN_PASSWORD: 'test-only',
  });
  assert.equal(result.status, 0, result.stderr);
  const images = [...result.stdout.matchAll(/image: (\S+)/g)].map((m) => m[1]!);
  assert.ok(images.length >= 5, `images: ${images.join(', ')}`);
  for (const image of images) assert.match(image, /:[0-9v][\w.-]*$/, `${image} is not pinned`);
  assert.doesNotMatch(result.stdout, /:latest\b/);
  assert.match(
    result.stdout,
    /--storage\.tsdb\.retention\.time=3[3-9]d/,
    'retention covers a 30-day SLO window',
  );
});

test('docker-compose refuses to start Grafana without an admin password', () => {
  const env = { ...process.env };
  delete env.GRAFANA_ADMIN_PASSWORD;
  const result = spawnSync('docker-compose', ['-f', 'deploy/docker-compose.yml', 'config'], {
    cwd: repo,
    encoding: 'utf8',
    env,
  });
  assert.notEqual(result.status, 0);
});

test('Prometheus and Alertmanager configs pass promtool and amtool', () => {
  for (const file of ['deploy/prometheus/prometheus.yml', 'deploy/prometheus/prometheus.local.yml']) {
    const result = run('promtool', ['check', 'config', file]);
    assert.equal(result.status, 0, `${file}: ${result.stdout}${result.stderr}`);
  }
  // The pinned amtool: the generated config uses fields Debian's 0.25 lacks (webhook url_file).
  const am = run(toolPath('amtool'), ['check-config', 'deploy/alertmanager/alertmanager.yml']);
  assert.equal(am.status, 0, am.stdout + am.stderr);
});
