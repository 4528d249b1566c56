// A user's first five minutes, outside this repo: pack the workspace packages, install the tarballs into a new
// app in the temp directory next to the current OpenTelemetry SDK (from the npm registry), check that npm
// resolved one copy of every @opentelemetry/* package, load each package with import and require() on the
// lowest Node the packages claim (22.12.0, from the npm `node` package) and on the repo's Node 24, then run the
// README's "Add it to your app" example (extracted from README.md) and scrape every metric the README promises.
//
// What it installs is pinned, so the one-copy check cannot flip with a registry release: sdk-node 0.301.0 and
// sdk-trace 3.1.0, the OpenTelemetry release train flux-metrics pins (sdk-node 0.301.0 itself depends on
// sdk-trace 3.1.0; sdk-trace 3.1.1 pins core 3.1.1 and brings a second copy whatever flux-metrics declares).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { fences, section } from '../support/markdown.ts';
import { freePort, startChild, waitFor, type Child } from '../support/processes.ts';
import { parseExposition, type Exposition } from '../support/exposition.ts';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES = ['core', 'node', 'prometheus', 'rtsp', 'srt', 'storage', 'mixin', 'dingtalk'];
const USER_DEPENDENCIES = {
  '@opentelemetry/api': '1.10.0',
  '@opentelemetry/sdk-node': '0.301.0',
  '@opentelemetry/sdk-trace': '3.1.0',
  '@opentelemetry/host-metrics': '0.39.0', // docs/deploy.md offers it: it must add no second OTel copy
};
const OLDEST_NODE = '22.12.0';

interface PackedFile {
  path: string;
}
interface Packed {
  name: string;
  filename: string;
  files: PackedFile[];
}

let scratch: string;
let packed: Packed[];
let node22: string;
let tarballs: string;

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'flux-userapp-'));
  tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs);
  const workspaces = PACKAGES.flatMap((p) => ['-w', `packages/${p}`]);
  packed = JSON.parse(
    await npm(['pack', '--json', '--pack-destination', tarballs, ...workspaces], repo),
  ) as Packed[];

  const app = join(scratch, 'app');
  mkdirSync(app);
  // The README's own setup commands, with our packages from the tarballs instead of the registry.
  const setup = fences(section(readFileSync(join(repo, 'README.md'), 'utf8'), '## Add it to your app')).find(
    (f) => f.lang === 'sh' && f.body.includes('npm install'),
  );
  assert.ok(setup, 'README has the install commands');
  assert.match(setup.body, /^npm init -y && npm pkg set type=module\b/);
  await npm(['init', '-y'], app);
  await npm(['pkg', 'set', 'type=module'], app);
  const named = /^npm install (.*)$/m.exec(setup.body)![1]!.split(/\s+/);
  for (const name of named.filter((n) => n.startsWith('@flux-metrics/'))) {
    assert.ok(
      packed.some((p) => p.name === name),
      `README installs ${name}, which is not a package here`,
    );
  }
  assert.ok(
    named.every((n) => n.startsWith('@flux-metrics/') || n in USER_DEPENDENCIES),
    `README installs ${named.join(' ')}`,
  );
  const ours = packed.map((p) => join(tarballs, p.filename));
  const theirs = Object.entries(USER_DEPENDENCIES).map(([name, version]) => `${name}@${version}`);
  await npm(['install', '--no-audit', '--no-fund', ...ours, ...theirs], app);

  // The oldest Node the packages' engines field claims, as a registry package (like the repo's own Node 24).
  const nodeDir = join(scratch, 'node22');
  await npm(['install', '--prefix', nodeDir, '--no-audit', '--no-fund', `node@${OLDEST_NODE}`], scratch);
  node22 = join(nodeDir, 'node_modules', '.bin', 'node');
});

after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('each tarball has README, LICENSE, and the JS and .d.ts of every export, and nothing else', () => {
  const license = readFileSync(join(repo, 'LICENSE'), 'utf8');
  assert.match(license, /Apache License\s+Version 2\.0/);
  assert.equal(packed.length, PACKAGES.length);
  for (const [i, dir] of PACKAGES.entries()) {
    const pack = packed[i]!;
    const files = new Set(pack.files.map((f) => f.path));
    const manifest = JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
      bin?: Record<string, string>;
      engines: { node: string };
    };
    assert.equal(manifest.engines.node, `>=${OLDEST_NODE}`, `${pack.name}: engines is what this test runs`);
    assert.equal(readFileSync(join(repo, 'packages', dir, 'LICENSE'), 'utf8'), license, `${dir}/LICENSE`);
    for (const required of ['README.md', 'LICENSE', 'package.json']) {
      assert.ok(files.has(required), `${pack.name} lacks ${required}`);
    }
    const targets = [
      ...Object.values(manifest.exports).flatMap((e) => [e.types, e.default]),
      ...Object.values(manifest.bin ?? {}),
    ];
    for (const target of targets) {
      assert.ok(files.has(target.replace(/^\.\//, '')), `${pack.name} lacks ${target}`);
    }
    for (const file of files) {
      if (['README.md', 'LICENSE', 'package.json'].includes(file)) continue;
      assert.match(file, /^dist\/.*\.(js|d\.ts)$/, `${pack.name}: unexpected file ${file}`);
      if (file.endsWith('.js')) assert.ok(files.has(file.replace(/\.js$/, '.d.ts')), `${file} has no .d.ts`);
      assert.doesNotMatch(file, /\.test\./, `${pack.name} ships a test: ${file}`);
    }
  }
});

interface LsNode {
  version?: string;
  path?: string;
  dependencies?: Record<string, LsNode>;
}

test('npm resolves one copy of every @opentelemetry package (npm ls --all --json)', async () => {
  const tree = JSON.parse(await npm(['ls', '--all', '--json', '--long'], join(scratch, 'app'))) as LsNode;
  const copies = new Map<string, Set<string>>();
  const walk = (node: LsNode): void => {
    for (const [name, dep] of Object.entries(node.dependencies ?? {})) {
      if (name.startsWith('@opentelemetry/')) {
        if (!copies.has(name)) copies.set(name, new Set());
        copies.get(name)!.add(`${dep.version} at ${dep.path}`);
      }
      walk(dep);
    }
  };
  walk(tree);
  for (const name of ['@opentelemetry/core', '@opentelemetry/resources', '@opentelemetry/sdk-metrics']) {
    assert.ok(copies.has(name), `${name} is installed`);
  }
  const duplicated = [...copies].filter(([, where]) => where.size > 1);
  assert.deepEqual(duplicated, [], 'more than one copy');
  console.log([...copies].map(([name, where]) => `${name} ${[...where][0]!.split(' at ')[0]}`).join('\n'));
});

test(`every package loads with import and with require() on Node ${OLDEST_NODE} and Node 24`, async () => {
  const names = packed.map((p) => p.name);
  const script = `
    const names = ${JSON.stringify(names)};
    (async () => {
      for (const name of names) {
        const required = require(name);
        const imported = await import(name);
        if (Object.keys(required).length === 0) throw new Error(name + ': require() gave no exports');
        if (Object.keys(imported).join() !== Object.keys(required).join()) throw new Error(name + ': exports differ');
      }
      console.log('loaded ' + names.length + ' on ' + process.version);
    })().catch((err) => { console.error(err); process.exit(1); });`;
  writeFileSync(join(scratch, 'app', 'load.cjs'), script);
  for (const node of [node22, process.execPath]) {
    const { stdout } = await run(node, ['load.cjs'], { cwd: join(scratch, 'app') });
    assert.match(stdout, new RegExp(`loaded ${names.length} on v`));
  }
});

/** The metrics the README promises: backticked names, `name{labels}` or `name{labels} value`. */
function promisedSamples(readme: string): string[] {
  const from = readme.indexOf('On `/metrics` you should see');
  const to = readme.indexOf('Without `register()`', from);
  assert.ok(from > 0 && to > from, 'README has the promised-metrics paragraph');
  return [...readme.slice(from, to).matchAll(/`([a-z][a-z0-9]*_[a-z0-9_]*(?:\{[^}`]*\})?(?: [^`]+)?)`/g)].map(
    (m) => m[1]!,
  );
}

function assertPromise(exposition: Exposition, promise: string): void {
  const m = /^([a-z0-9_]+)(?:\{(.*)\})?(?: (\S+))?$/.exec(promise);
  assert.ok(m, `cannot read the promise ${promise}`);
  const [, name, labelText, value] = m;
  const labels = Object.fromEntries(
    [...(labelText ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]),
  );
  const family = exposition.types.get(name!) === 'histogram' ? `${name}_count` : name!;
  const series = exposition.samples.filter(
    (s) => s.name === family && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  assert.ok(series.length > 0, `no sample ${promise}`);
  if (value !== undefined) assert.equal(series[0]!.value, Number(value), promise);
}

test(`the README example serves every metric the README promises (app.ts, app.js, --import; Node 24 and ${OLDEST_NODE})`, async () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const example = fences(section(readme, '## Add it to your app')).find((f) =>
    f.body.startsWith('// app.ts'),
  );
  assert.ok(example, 'README has the app.ts example');
  const app = join(scratch, 'app');
  writeFileSync(join(app, 'app.ts'), example.body);
  writeFileSync(join(app, 'app.js'), example.body);
  const promises = promisedSamples(readme);
  const appTmp = join(scratch, 'tmp'); // the example's recordings directory goes here, removed with the rest
  mkdirSync(appTmp);
  assert.ok(promises.length >= 20, `README promises ${promises.length} metrics`);

  // The run commands the README gives: app.ts with type stripping (on by default in 24, flagged in 22.12),
  // app.js, and app.js registered by --import.
  for (const args of [
    [process.execPath, 'app.ts'],
    [node22, '--experimental-strip-types', 'app.ts'],
    [node22, 'app.js'],
    [process.execPath, '--import', '@flux-metrics/node/register', 'app.js'],
  ]) {
    const [node, ...nodeArgs] = args as [string, ...string[]];
    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    const child: Child = startChild(node, nodeArgs, {
      cwd: app,
      env: {
        ...process.env,
        TMPDIR: appTmp,
        PORT: String(apiPort),
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      },
    });
    try {
      await waitFor(
        'the example to print its /metrics address',
        async () => (/metrics: http:\/\/\S+/.exec(child.output()) ? true : undefined),
        30_000,
      );
      assert.match(child.output(), new RegExp(`metrics: http://127\\.0\\.0\\.1:${metricsPort}/metrics`));
      assert.equal(await (await fetch(`http://127.0.0.1:${apiPort}/streams/cam1`)).text(), 'ok\n');
      const exposition = await waitFor(
        'every promised metric',
        async () => {
          const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
          const parsed = parseExposition(text);
          for (const promise of promises) assertPromise(parsed, promise);
          return parsed;
        },
        30_000,
      );
      const diskPaths = exposition.samples
        .filter((s) => s.name === 'disk_usage_ratio')
        .map((s) => s.labels.path);
      assert.ok(diskPaths.includes(app), `register() watches the working directory: ${diskPaths.join(', ')}`);
      assert.ok(
        diskPaths.some((p) => p?.startsWith(join(appTmp, 'recordings-'))),
        'and the recordings directory',
      );
      console.log(
        `${nodeArgs.join(' ')} on ${node === node22 ? OLDEST_NODE : process.version}: ${promises.length} promised samples scraped`,
      );
    } finally {
      await child.stop('SIGTERM');
    }
  }
});

test('the API-only packages record with the oldest @opentelemetry/api their peer range allows (1.9.0), and say that nothing exports them', async () => {
  // core, rtsp, srt and storage peer @opentelemetry/api ^1.9.0 (createGauge and histogram advice need 1.9):
  // an app still on SDK 2.x (sdk-metrics 2.12.1 peers api >=1.9.0 <1.10.0) records through them.
  const app = join(scratch, 'api19');
  mkdirSync(app);
  await npm(['init', '-y'], app);
  await npm(['pkg', 'set', 'type=module'], app);
  const apiOnly = packed.filter((p) => /\/(core|rtsp|srt|storage)$/.test(p.name));
  await npm(
    [
      'install',
      '--no-audit',
      '--no-fund',
      ...apiOnly.map((p) => join(tarballs, p.filename)),
      '@opentelemetry/api@1.9.0',
      '@opentelemetry/sdk-metrics@2.12.1',
    ],
    app,
  );
  // They record with api 1.9 and an SDK 2.x provider; exporting their series takes @flux-metrics/node (SDK 3.x),
  // so here nothing reads the registry, and flux-metrics must say so instead of losing the data silently.
  writeFileSync(
    join(app, 'record.js'),
    `import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { fluxInstruments } from '@flux-metrics/core';
import { createRtspMetrics } from '@flux-metrics/rtsp';
const provider = new MeterProvider();
fluxInstruments(provider).get('errors_total').record(1, { type: 'timeout', component: 'rtsp' });
createRtspMetrics({ meterProvider: provider }).connectionOpened().request('OPTIONS').respond(200);
await new Promise((resolve) => setTimeout(resolve, 12_000));
console.log('recorded');`,
  );
  const { stdout, stderr } = await run(process.execPath, ['record.js'], { cwd: app });
  assert.equal(stdout.trim(), 'recorded');
  assert.match(stderr, /nothing exports this registry 10 s after its first instrument/);
  const api = JSON.parse(readFileSync(join(app, 'node_modules/@opentelemetry/api/package.json'), 'utf8')) as {
    version: string;
  };
  assert.equal(api.version, '1.9.0');
});
