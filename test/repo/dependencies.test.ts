import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Every installed copy of a package, wherever npm put it. */
function installedVersions(dir: string, found = new Map<string, Set<string>>()): Map<string, Set<string>> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return found;
  }
  for (const entry of entries) {
    const names = entry.startsWith('@')
      ? readdirSync(`${dir}/${entry}`).map((n) => `${entry}/${n}`)
      : [entry];
    for (const name of names) {
      try {
        const { version } = JSON.parse(readFileSync(`${dir}/${name}/package.json`, 'utf8')) as {
          version: string;
        };
        if (!found.has(name)) found.set(name, new Set());
        found.get(name)!.add(version);
      } catch {
        continue; // not a package folder
      }
      installedVersions(`${dir}/${name}/node_modules`, found);
    }
  }
  return found;
}

test('exactly one copy of each @opentelemetry package is installed', () => {
  const versions = installedVersions(`${repo}node_modules`);
  const otel = [...versions].filter(([name]) => name.startsWith('@opentelemetry/'));
  assert.ok(otel.length >= 5, 'OpenTelemetry packages are installed');
  for (const [name, v] of otel) assert.equal(v.size, 1, `${name}: ${[...v].join(', ')}`);
});

test('library packages depend on the OpenTelemetry API only (as a peer), not on the SDK', () => {
  for (const pkg of ['core', 'rtsp', 'srt', 'storage']) {
    const manifest = JSON.parse(readFileSync(`${repo}packages/${pkg}/package.json`, 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    const deps = Object.keys(manifest.dependencies ?? {});
    assert.deepEqual(
      deps.filter((d) => d.startsWith('@opentelemetry/')),
      [],
      `${pkg} must not depend on OpenTelemetry SDK packages`,
    );
    assert.ok(manifest.peerDependencies?.['@opentelemetry/api'], `${pkg} peers @opentelemetry/api`);
  }
});

test('every package pins the same OpenTelemetry release train as the repo (one copy in a user app)', () => {
  // OpenTelemetry's own packages pin each other exactly, so a second version anywhere means a second copy.
  const manifests = [
    'package.json',
    ...readdirSync(`${repo}packages`).map((p) => `packages/${p}/package.json`),
  ];
  const versions = new Map<string, Set<string>>();
  for (const path of manifests) {
    const manifest = JSON.parse(readFileSync(`${repo}${path}`, 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    for (const deps of [manifest.dependencies, manifest.devDependencies]) {
      for (const [name, version] of Object.entries(deps ?? {})) {
        if (!name.startsWith('@opentelemetry/') || name === '@opentelemetry/host-metrics') continue;
        const train = /^0\./.test(version)
          ? 'experimental'
          : name === '@opentelemetry/api'
            ? 'api'
            : 'stable';
        if (!versions.has(train)) versions.set(train, new Set());
        versions.get(train)!.add(version);
      }
    }
  }
  for (const [train, set] of versions) assert.equal(set.size, 1, `${train}: ${[...set].join(', ')}`);
  assert.ok(versions.has('stable') && versions.has('experimental'), 'the SDK and exporters are declared');
});
