import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildCollector, COLLECTOR_CONFIG } from './collector-process.ts';

const run = promisify(execFile);

/** Component types per section of a Collector config (`batch/fast` counts as `batch`). */
function componentsOf(yaml: string, sections: readonly string[]): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>(sections.map((s) => [s, new Set<string>()]));
  let section: string | undefined;
  for (const line of yaml.split('\n')) {
    const top = /^([a-z_]+):/.exec(line);
    if (top) section = top[1];
    const component = /^ {2}([a-z_]+)(?:\/[\w-]+)?:/.exec(line);
    if (component && section && found.has(section)) found.get(section)!.add(component[1]!);
  }
  return found;
}

const SECTIONS = ['receivers', 'processors', 'exporters', 'extensions'] as const;
/** Every Collector config the repo ships: the single-node one and the scale-out agent and gateway (docs/scaling.md). */
const SHIPPED_CONFIGS = [
  COLLECTOR_CONFIG,
  fileURLToPath(new URL('../../deploy/scale/agent.yaml', import.meta.url)),
  fileURLToPath(new URL('../../deploy/scale/gateway.yaml', import.meta.url)),
];

describe('otel-collector.yaml and the built Collector', () => {
  let bin = '';
  before(
    async () => {
      bin = await buildCollector();
    },
    { timeout: 30 * 60_000 },
  );

  it('passes `otelcol validate` as shipped and with remote write in the pipeline', async () => {
    await run(bin, ['validate', `--config=${COLLECTOR_CONFIG}`]);
    await run(bin, ['validate', `--config=${COLLECTOR_CONFIG}`], {
      env: { ...process.env, FLUX_COLLECTOR_EXPORTERS: '[prometheus, prometheus_remote_write]' },
    });
    await assert.rejects(
      run(bin, ['validate', `--config=${COLLECTOR_CONFIG}`], {
        env: { ...process.env, FLUX_COLLECTOR_EXPORTERS: '[prometheus, missing]' },
      }),
      /references exporter "missing"/,
      'validate really checks the pipeline',
    );
  });

  it('is built from exactly the components the shipped configs use (single node and scale-out tiers)', async () => {
    const { stdout } = await run(bin, ['components']);
    const built = componentsOf(stdout.replace(/^ {4}- name: (\S+)$/gm, '  $1:'), SECTIONS);
    const used = componentsOf(SHIPPED_CONFIGS.map((file) => readFileSync(file, 'utf8')).join('\n'), SECTIONS);
    for (const section of SECTIONS) {
      assert.deepEqual([...built.get(section)!].sort(), [...used.get(section)!].sort(), section);
    }
  });
});
