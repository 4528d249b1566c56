import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startChild, waitFor, type Child } from './processes.ts';

/** One alert as Alertmanager's API v2 lists it. */
export interface AmAlert {
  labels: Record<string, string>;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
  receivers: { name: string }[];
}

/** A real Alertmanager on a free port, clustering off, with its own storage directory. */
export interface AlertmanagerServer {
  readonly url: string;
  readonly child: Child;
  /** POST /-/reload after the config file changed; throws when Alertmanager refuses the new config. */
  reload(): Promise<void>;
  alerts(): Promise<AmAlert[]>;
  /** Value of one sample of Alertmanager's own /metrics (0 when absent). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

export async function startAlertmanager(binary: string, configFile: string): Promise<AlertmanagerServer> {
  const storage = mkdtempSync(join(tmpdir(), 'flux-am-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = startChild(binary, [
    `--config.file=${configFile}`,
    `--storage.path=${storage}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.external-url=${url}`,
    '--cluster.listen-address=', // no gossip port: a single test instance
  ]);
  const stop = async () => {
    await child.stop('SIGTERM');
    rmSync(storage, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'Alertmanager ready',
      async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined),
      30_000,
    );
  } catch (err) {
    await stop();
    throw new Error(`${String(err)}\n${child.output()}`);
  }
  return {
    url,
    child,
    async reload() {
      const res = await fetch(`${url}/-/reload`, { method: 'POST' });
      if (!res.ok) throw new Error(`reload refused: ${res.status} ${await res.text()}`);
    },
    async alerts() {
      return (await (await fetch(`${url}/api/v2/alerts`)).json()) as AmAlert[];
    },
    async metric(name, labels = {}) {
      const text = await (await fetch(`${url}/metrics`)).text();
      const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        if (wanted.every((w) => line.includes(w))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    stop,
  };
}
