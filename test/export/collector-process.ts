import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, startChild, waitFor, type Child } from '../support/processes.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
export const COLLECTOR_CONFIG = `${repo}otel-collector.yaml`;

/**
 * The Collector binary built from collector/builder-config.yaml by collector/build.sh (cached by the
 * manifest's hash, so only the first run on a machine compiles).
 */
export async function buildCollector(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [`${repo}collector/build.sh`], {
    timeout: 25 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = stdout.trim().split('\n');
  return lines[lines.length - 1]!;
}

export interface CollectorPorts {
  grpc: number;
  http: number;
  prometheus: number;
  health: number;
  telemetry: number;
}

export async function collectorPorts(): Promise<CollectorPorts> {
  return {
    grpc: await freePort(),
    http: await freePort(),
    prometheus: await freePort(),
    health: await freePort(),
    telemetry: await freePort(),
  };
}

/** Starts the Collector with otel-collector.yaml on the given ports and waits for its health check. */
export async function startCollector(
  bin: string,
  ports: CollectorPorts,
  extra: { env?: Record<string, string>; set?: string[] } = {},
): Promise<Child> {
  const child = startChild(
    bin,
    [`--config=${COLLECTOR_CONFIG}`, ...(extra.set ?? []).map((s) => `--set=${s}`)],
    {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        FLUX_COLLECTOR_OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.grpc}`,
        FLUX_COLLECTOR_OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.http}`,
        FLUX_COLLECTOR_PROMETHEUS_ENDPOINT: `127.0.0.1:${ports.prometheus}`,
        FLUX_COLLECTOR_HEALTH_ENDPOINT: `127.0.0.1:${ports.health}`,
        FLUX_COLLECTOR_TELEMETRY_HOST: '127.0.0.1',
        FLUX_COLLECTOR_TELEMETRY_PORT: String(ports.telemetry),
        ...extra.env,
      },
    },
  );
  try {
    await waitFor(
      'Collector health check',
      async () => ((await fetch(`http://127.0.0.1:${ports.health}/`)).ok ? true : undefined),
      30_000,
    );
  } catch (err) {
    await child.stop();
    throw new Error(`${String(err)}\n${child.output()}`);
  }
  return child;
}
