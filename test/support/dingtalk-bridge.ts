import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startChild, waitFor, type Child } from './processes.ts';

const cli = fileURLToPath(new URL('../../packages/dingtalk/dist/cli.js', import.meta.url));

/** The flux-dingtalk CLI (built) running as its own process with a config written to a temporary dir. */
export interface BridgeProcess {
  readonly url: string;
  readonly dir: string;
  readonly child: Child;
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
  return { url, dir, child, stop };
}
