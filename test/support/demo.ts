import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { freePort, startChild, type Child } from './processes.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

export interface DemoPorts {
  readonly metrics: number;
  readonly rtsp: number;
  readonly api: number;
  readonly srt: number;
}

/** Faults of the demo's fault switch (`POST /faults`, docs/demo.md). */
export type DemoFaults = Partial<Record<'rtspErrors' | 'errorStops' | 'diskFull', boolean>> & {
  srtLoss?: boolean | number;
};

export interface Demo extends Child {
  readonly ports: DemoPorts;
  /** `127.0.0.1:<metrics port>`, a scrape target. */
  readonly metricsTarget: string;
  readonly apiUrl: string;
  /** Switches faults on or off through the demo's API; fails the test on any answer but 200. */
  setFaults(faults: DemoFaults): Promise<void>;
}

export async function demoPorts(): Promise<DemoPorts> {
  const [metrics, rtsp, api, srt] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  return { metrics: metrics!, rtsp: rtsp!, api: api!, srt: srt! };
}

/** The demo media server (examples/media-server) on free ports, stopping by itself after `durationSeconds`. */
export async function startDemo(options: {
  durationSeconds: number;
  ports?: DemoPorts;
  env?: NodeJS.ProcessEnv;
  args?: readonly string[];
}): Promise<Demo> {
  const ports = options.ports ?? (await demoPorts());
  const child = startChild(
    process.execPath,
    [
      'examples/media-server/src/main.ts',
      `--metrics-port=${ports.metrics}`,
      `--rtsp-port=${ports.rtsp}`,
      `--api-port=${ports.api}`,
      `--srt-port=${ports.srt}`,
      '--no-summary',
      `--duration=${options.durationSeconds}`,
      ...(options.args ?? []),
    ],
    { cwd: repo, env: options.env ?? process.env },
  );
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  return {
    ...child,
    ports,
    metricsTarget: `127.0.0.1:${ports.metrics}`,
    apiUrl,
    async setFaults(faults) {
      const res = await fetch(`${apiUrl}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      });
      assert.equal(res.status, 200, await res.text());
    },
  };
}
