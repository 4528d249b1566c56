import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toolPath } from '../support/tools.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const versions = Object.fromEntries(
  readFileSync(`${repo}tools/versions.env`, 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => l.split('=') as [string, string]),
);
const compose = readFileSync(`${repo}deploy/docker-compose.yml`, 'utf8');

function composeTag(image: string): string {
  const match = new RegExp(`image:\\s*${image.replace('/', '\\/')}:v([0-9.]+)`).exec(compose);
  assert.ok(match, `deploy/docker-compose.yml pins ${image}`);
  return match[1]!;
}

test('the tools the tests build are the versions the compose stack pins', () => {
  assert.equal(versions.PROMETHEUS_VERSION, composeTag('prom/prometheus'));
  assert.equal(versions.ALERTMANAGER_VERSION, composeTag('prom/alertmanager'));
});

test('the built binaries report the pinned versions', () => {
  for (const [tool, want] of [
    ['promtool', versions.PROMETHEUS_VERSION],
    ['prometheus', versions.PROMETHEUS_VERSION],
    ['alertmanager', versions.ALERTMANAGER_VERSION],
    ['amtool', versions.ALERTMANAGER_VERSION],
  ] as const) {
    const out = execFileSync(toolPath(tool), ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.match(out, new RegExp(`version ${want!.replaceAll('.', '\\.')}\\b`), `${tool}: ${out}`);
  }
});
