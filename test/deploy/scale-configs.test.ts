/**
 * Cheap checks of the scale-out deployment (deploy/scale/, docs/scaling.md) that run in `npm test`; the
 * topology itself runs in `npm run test:scale` (test/scale-out/).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCollector } from '../export/collector-process.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const COMPOSE = 'deploy/scale/docker-compose.yml';

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(command, args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(result.error, undefined, `${command} not runnable: run scripts/setup-system.sh`);
  return result;
}

test('docker-compose validates the scale-out stack, with every image pinned to the tested versions', () => {
  const result = run('docker-compose', ['-f', COMPOSE, 'config'], { GRAFANA_ADMIN_PASSWORD: 'test-only' });
  assert.equal(result.status, 0, result.stderr);
  const images = [...result.stdout.matchAll(/image: (\S+)/g)].map((m) => m[1]!);
  for (const image of images) assert.match(image, /:[0-9v][\w.-]*$/, `${image} is not pinned`);
  const thanos = /^THANOS_VERSION=(\S+)$/m.exec(readFileSync(`${repo}tools/versions.env`, 'utf8'))?.[1];
  assert.ok(
    images.includes(`quay.io/thanos/thanos:v${thanos}`),
    `Thanos image at v${thanos}: ${images.join(', ')}`,
  );
  // The same Collector release as the single-Collector stack (collector/builder-config.yaml's).
  const main = /image: (otel\/opentelemetry-collector-contrib:\S+)/.exec(
    readFileSync(`${repo}deploy/docker-compose.yml`, 'utf8'),
  )?.[1];
  assert.ok(main && images.includes(main), `Collector image ${main} in ${images.join(', ')}`);
});

test('the Thanos hashring lists exactly the compose file’s ingestors', () => {
  const hashring = JSON.parse(readFileSync(`${repo}deploy/scale/thanos/hashring.json`, 'utf8')) as {
    endpoints: string[];
  }[];
  const compose = readFileSync(`${repo}${COMPOSE}`, 'utf8');
  const ingestors = [...compose.matchAll(/--receive\.local-endpoint=(\S+)/g)].map((m) => m[1]!);
  assert.deepEqual(hashring.flatMap((h) => h.endpoints).sort(), ingestors.sort());
});

test('the agent and gateway Collector configs pass the built Collector’s validate command', async () => {
  const bin = await buildCollector();
  for (const config of ['deploy/scale/agent.yaml', 'deploy/scale/gateway.yaml']) {
    const result = run(bin, ['validate', `--config=${config}`]);
    assert.equal(result.status, 0, `${config}: ${result.stdout}${result.stderr}`);
  }
  // validate must be able to fail, or the check above proves nothing.
  const broken = run(bin, [
    'validate',
    '--config=deploy/scale/agent.yaml',
    '--set=exporters::load_balancing::routing_key=bogus',
  ]);
  assert.notEqual(broken.status, 0, 'an unknown routing_key is refused');
});

test('the monitoring Prometheus config of the scale-out stack passes promtool', () => {
  const result = run('promtool', ['check', 'config', 'deploy/scale/prometheus.yml']);
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
