import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/processes.ts';
import { startRestartable, type Restartable } from './restartable.ts';
import { prometheusApi, type PrometheusServer } from '../support/prometheus-server.ts';

/** One Thanos process of the store and its ports. */
export interface ThanosProcess extends Restartable {
  readonly http: number;
  readonly grpc: number;
}

/**
 * The scale-out store: a stateless Receive router (the remote-write endpoint) spreading series over a hashring
 * of `ingestors` Receive ingestors, Thanos Query over the ingestors and the Ruler, and Thanos Rule evaluating
 * `ruleFiles` through Query. `query()`/`get()` speak the Prometheus HTTP API, answered by Thanos Query.
 */
export interface ThanosStore extends Pick<PrometheusServer, 'get' | 'query' | 'series' | 'url'> {
  /** Where the gateways remote-write. */
  readonly writeUrl: string;
  readonly router: ThanosProcess;
  readonly ingestors: readonly ThanosProcess[];
  readonly querier: ThanosProcess;
  readonly ruler: ThanosProcess;
  stop(): Promise<void>;
}

export interface ThanosOptions {
  readonly binary: string;
  readonly ingestors?: number;
  readonly ruleFiles?: readonly string[];
  readonly evalInterval?: string;
}

async function startProcess(
  binary: string,
  name: string,
  args: (ports: { http: number; grpc: number }) => string[],
  ports?: { http: number; grpc: number },
): Promise<ThanosProcess> {
  const { http, grpc } = ports ?? { http: await freePort(), grpc: await freePort() };
  const proc = await startRestartable(name, binary, args({ http, grpc }), `http://127.0.0.1:${http}/-/ready`);
  return Object.assign(proc, { http, grpc });
}

export async function startThanos(options: ThanosOptions): Promise<ThanosStore> {
  const dir = mkdtempSync(join(tmpdir(), 'flux-thanos-'));
  const started: ThanosProcess[] = [];
  const stop = async () => {
    for (const p of started.reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const common = (ports: { http: number; grpc: number }) => [
    `--http-address=127.0.0.1:${ports.http}`,
    `--grpc-address=127.0.0.1:${ports.grpc}`,
    '--log.level=warn',
  ];
  try {
    const ingestors: ThanosProcess[] = [];
    for (let i = 1; i <= (options.ingestors ?? 2); i++) {
      const name = `ingestor-${i}`;
      // Unused here (the router forwards over gRPC), but every receiver listens for both.
      const [ownWritePort, capnpPort] = [await freePort(), await freePort()];
      const p = await startProcess(options.binary, name, (ports) => [
        'receive',
        ...common(ports),
        `--remote-write.address=127.0.0.1:${ownWritePort}`,
        `--receive.capnproto-address=127.0.0.1:${capnpPort}`,
        `--tsdb.path=${join(dir, name)}`,
        '--tsdb.retention=1d',
        // Retried writes arrive after newer ones (several writers per gateway); accept them instead of 409.
        '--tsdb.out-of-order.time-window=10m',
        `--label=receive="${name}"`,
        // Ingestor only: it stores what the router hands it over gRPC.
        `--receive.local-endpoint=127.0.0.1:${ports.grpc}`,
      ]);
      started.push(p);
      ingestors.push(p);
    }
    const hashring = join(dir, 'hashring.json');
    writeFileSync(
      hashring,
      JSON.stringify([{ hashring: 'default', endpoints: ingestors.map((p) => `127.0.0.1:${p.grpc}`) }]),
    );
    const [writePort, routerCapnpPort] = [await freePort(), await freePort()];
    const router = await startProcess(options.binary, 'router', (ports) => [
      'receive',
      ...common(ports),
      `--remote-write.address=127.0.0.1:${writePort}`,
      `--receive.capnproto-address=127.0.0.1:${routerCapnpPort}`,
      `--receive.hashrings-file=${hashring}`,
      '--receive.replication-factor=1',
      `--label=receive="router"`,
    ]);
    started.push(router);

    const queryPorts = { http: await freePort(), grpc: await freePort() };
    const rulerPorts = { http: await freePort(), grpc: await freePort() };
    const querier = await startProcess(
      options.binary,
      'query',
      (ports) => [
        'query',
        ...common(ports),
        ...ingestors.map((p) => `--endpoint=127.0.0.1:${p.grpc}`),
        `--endpoint=127.0.0.1:${rulerPorts.grpc}`,
      ],
      queryPorts,
    );
    started.push(querier);
    const ruler = await startProcess(
      options.binary,
      'rule',
      (ports) => [
        'rule',
        ...common(ports),
        `--data-dir=${join(dir, 'rule')}`,
        `--eval-interval=${options.evalInterval ?? '5s'}`,
        `--query=127.0.0.1:${queryPorts.http}`,
        `--label=ruler="rule-1"`,
        ...(options.ruleFiles ?? []).map((f) => `--rule-file=${f}`),
      ],
      rulerPorts,
    );
    started.push(ruler);

    const url = `http://127.0.0.1:${querier.http}`;
    return {
      url,
      writeUrl: `http://127.0.0.1:${writePort}/api/v1/receive`,
      router,
      ingestors,
      querier,
      ruler,
      ...prometheusApi(url, 30_000),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
