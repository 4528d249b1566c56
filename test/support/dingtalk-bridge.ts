import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExposition, valueOf } from './exposition.ts';
import { freePort, startChild, waitFor, type Child } from './processes.ts';

const cli = fileURLToPath(new URL('../../packages/dingtalk/dist/cli.js', import.meta.url));

/** The flux-dingtalk CLI (built) running as its own process with a config written to a temporary dir. */
export interface BridgeProcess {
  readonly url: string;
  readonly dir: string;
  readonly child: Child;
  /** Messages waiting in all robot queues, the one in flight included (from /healthz). */
  queued(): Promise<number>;
  /** Sum of the samples of one series of the bridge's /metrics whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

/** `config` is the bridge's config document; `files` are written into the temp dir first (secrets). */
export async function startBridge(
  config: (dir: string) => Record<string, unknown>,
  files: Record<string, string> = {},
  env: NodeJS.ProcessEnv = {},
): Promise<BridgeProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'flux-dingtalk-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  writeFileSync(join(dir, 'bridge.yml'), JSON.stringify(config(dir)));
  const port = await freePort();
  const child = startChild(
    process.execPath,
    [cli, '--config', join(dir, 'bridge.yml'), '--listen', `127.0.0.1:${port}`],
    { env: { ...process.env, ...env } },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await child.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'flux-dingtalk /healthz',
      async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined),
      20_000,
    );
  } catch (err) {
    await stop();
    throw new Error(`${String(err)}\n${child.output()}`);
  }
  return {
    url,
    dir,
    child,
    async queued() {
      const health = (await (await fetch(`${url}/healthz`)).json()) as { queued: Record<string, number> };
      return Object.values(health.queued).reduce((a, b) => a + b, 0);
    },
    async metric(name, labels = {}) {
      return valueOf(parseExposition(await (await fetch(`${url}/metrics`)).text()), name, labels);
    },
    stop,
  };
}
