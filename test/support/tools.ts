import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The Prometheus family, and Thanos (the scale-out store; built only by the scale suites). */
export type PrometheusTool = 'prometheus' | 'promtool' | 'alertmanager' | 'amtool' | 'thanos';

const buildScript = fileURLToPath(new URL('../../tools/build.sh', import.meta.url));

/**
 * Path of a Prometheus-family tool at the version the compose stack pins, built from the Go module proxy on
 * first use and cached in ~/.cache/flux-metrics (tools/build.sh). Throws, never skips, when it cannot be built.
 */
export function toolPath(tool: PrometheusTool): string {
  const out = execFileSync('bash', [buildScript, tool], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = out.trim().split('\n').at(-1);
  if (!path) throw new Error(`tools/build.sh ${tool} printed no path`);
  return path;
}
