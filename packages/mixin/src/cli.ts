#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { generate } from './generate.js';
import { loadConfig } from './load-config.js';
import { staleFiles, writeFiles } from './write.js';

const usage = `Usage: flux-mixin [--config overrides.yaml|.json|.js] [--out deploy] [--check]
Generates Prometheus rules, Grafana dashboards and Alertmanager config from the mixin config.
  --config  overrides merged into the defaults (see docs/mixin.md)
  --out     output directory (default: deploy)
  --check   write nothing; exit 1 when a file under --out is missing or stale`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      out: { type: 'string', default: 'deploy' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const files = generate(await loadConfig(values.config));
  if (values.check) {
    const stale = staleFiles(values.out, files);
    for (const path of stale) console.error(`stale: ${values.out}/${path}`);
    if (stale.length) console.error('Run `npm run mixin` and commit the result.');
    return stale.length ? 1 : 0;
  }
  const changed = writeFiles(values.out, files);
  console.log(`flux-mixin: ${files.length} files, ${changed.length} written under ${values.out}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`flux-mixin: ${err instanceof Error ? err.message : String(err)}\n${usage}`);
    process.exit(2);
  },
);
