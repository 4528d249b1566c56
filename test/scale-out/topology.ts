import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCollector } from '../export/collector-process.ts';
import { freePort, startChild, type Child } from '../support/processes.ts';
import { startDemo, type Demo } from '../support/demo.ts';
import { startPrometheus, type PrometheusServer } from '../support/prometheus-server.ts';
import { toolPath } from '../support/tools.ts';
import { startRestartable, type Restartable } from './restartable.ts';
import { startThanos, type ThanosStore } from './thanos.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
export const AGENT_CONFIG = `${repo}deploy/scale/agent.yaml`;
export const GATEWAY_CONFIG = `${repo}deploy/scale/gateway.yaml`;
const RULES_DIR = `${repo}deploy/prometheus/rules/`;

/** A Collector of the agent or gateway tier. */
export interface TierCollector extends Restartable {
  readonly otlpGrpc: number;
  readonly otlpHttp: number;
  readonly telemetry: number;
}

export interface ScaleTopologyOptions {
  /** OTLP push period of every app, ms. */
  readonly pushIntervalMs: number;
  readonly agents?: number;
  readonly gateways?: number;
  /** Also run the demo media server pushing through the first agent (it feeds every dashboard panel). */
  readonly demo?: boolean;
  /** memory_limiter limit of each gateway, MiB. */
  readonly gatewayMemoryLimitMib?: number;
}

/**
 * apps ─OTLP─▶ agents (load_balancing by service.instance.id) ─OTLP─▶ gateways ─remote write─▶ Thanos Receive
 * router ─▶ 2 ingestors; Thanos Query over ingestors + Ruler (the generated rules). A Prometheus scrapes the
 * Collectors' own telemetry as job `otel-collector` and remote-writes it into the same store, as a cluster's
 * monitoring Prometheus would.
 */
export interface ScaleTopology {
  readonly store: ThanosStore;
  readonly gateways: readonly TierCollector[];
  readonly agents: readonly TierCollector[];
  readonly apps: readonly Child[];
  /**
   * Starts `count` more load apps (test/scale-out/load-app.ts) with `streams` SRT streams each, spread over
   * the agents; they are named load-<n> in start order. `env` overrides their environment.
   */
  startApps(count: number, streams: number, env?: NodeJS.ProcessEnv): Child[];
  readonly demo: Demo | undefined;
  readonly scraper: PrometheusServer;
  /** Processes that should be running and are not (apps, Collectors, store, demo). */
  crashed(): string[];
  /** The crashed processes' last output, for failure messages. */
  diagnose(): string;
  stop(): Promise<void>;
}

async function startTier(
  bin: string,
  config: string,
  name: string,
  env: Record<string, string>,
): Promise<TierCollector> {
  const [otlpGrpc, otlpHttp, health, telemetry] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const prefix = config === AGENT_CONFIG ? 'FLUX_AGENT' : 'FLUX_GATEWAY';
  const proc = await startRestartable(name, bin, [`--config=${config}`], `http://127.0.0.1:${health}/`, {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    [`${prefix}_OTLP_GRPC_ENDPOINT`]: `127.0.0.1:${otlpGrpc}`,
    [`${prefix}_OTLP_HTTP_ENDPOINT`]: `127.0.0.1:${otlpHttp}`,
    [`${prefix}_HEALTH_ENDPOINT`]: `127.0.0.1:${health}`,
    FLUX_COLLECTOR_TELEMETRY_HOST: '127.0.0.1',
    FLUX_COLLECTOR_TELEMETRY_PORT: String(telemetry),
    FLUX_COLLECTOR_INSTANCE: name,
    ...env,
  });
  return Object.assign(proc, { otlpGrpc, otlpHttp, telemetry });
}

export async function startScaleTopology(options: ScaleTopologyOptions): Promise<ScaleTopology> {
  const collectorBin = await buildCollector();
  const ruleFiles = readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => `${RULES_DIR}${f}`);
  const store = await startThanos({ binary: toolPath('thanos'), ruleFiles, evalInterval: '5s' });
  const gateways: TierCollector[] = [];
  const agents: TierCollector[] = [];
  const apps: Child[] = [];
  let demo: Demo | undefined;
  let scraper: PrometheusServer | undefined;
  const stop = async () => {
    for (const app of apps) await app.stop('SIGTERM');
    await demo?.stop('SIGTERM');
    for (const c of [...agents, ...gateways]) await c.stop();
    await scraper?.stop();
    await store.stop();
  };
  try {
    for (let i = 1; i <= (options.gateways ?? 2); i++) {
      gateways.push(
        await startTier(collectorBin, GATEWAY_CONFIG, `gateway-${i}`, {
          FLUX_REMOTE_WRITE_ENDPOINT: store.writeUrl,
          FLUX_REMOTE_WRITE_INSECURE: 'true',
          FLUX_GATEWAY_MEMORY_LIMIT_MIB: String(options.gatewayMemoryLimitMib ?? 1024),
          FLUX_GATEWAY_MEMORY_SPIKE_MIB: String(Math.floor((options.gatewayMemoryLimitMib ?? 1024) / 4)),
        }),
      );
    }
    const gatewayList = `[${gateways.map((g) => `127.0.0.1:${g.otlpGrpc}`).join(', ')}]`;
    for (let i = 1; i <= (options.agents ?? 2); i++) {
      agents.push(
        await startTier(collectorBin, AGENT_CONFIG, `agent-${i}`, { FLUX_AGENT_GATEWAYS: gatewayList }),
      );
    }
    scraper = await startPrometheus(
      // Job names must be unique per scrape config; the job label is the mixin's collector selector.
      [
        ...[...agents, ...gateways].map((c) => ({
          job_name: `otel-collector-${c.name}`,
          target: `127.0.0.1:${c.telemetry}`,
          labels: { job: 'otel-collector' },
        })),
        ...[store.router, ...store.ingestors, store.querier, store.ruler].map((p) => ({
          job_name: `thanos-${p.name}`,
          target: `127.0.0.1:${p.http}`,
          labels: { job: 'thanos', component: p.name },
        })),
      ],
      { binary: toolPath('prometheus'), remoteWrite: [store.writeUrl] },
    );
    const appEnv = (i: number, streams: number, agent: TierCollector): NodeJS.ProcessEnv => ({
      ...process.env,
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${agent.otlpHttp}`,
      OTEL_METRIC_EXPORT_INTERVAL: String(options.pushIntervalMs),
      OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=load-${i}`,
      FLUX_SCALE_STREAMS: String(streams),
    });
    const startApps = (count: number, streams: number, env: NodeJS.ProcessEnv = {}) =>
      Array.from({ length: count }, () => {
        const i = apps.length;
        const app = startChild(process.execPath, ['test/scale-out/load-app.ts'], {
          cwd: repo,
          env: { ...appEnv(i, streams, agents[i % agents.length]!), ...env },
        });
        apps.push(app);
        return app;
      });
    if (options.demo) {
      demo = await startDemo({
        durationSeconds: 3600,
        env: {
          ...process.env,
          OTEL_SERVICE_NAME: 'media-server',
          OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=demo',
          OTEL_METRICS_EXPORTER: 'both',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${agents[0]!.otlpHttp}`,
          OTEL_METRIC_EXPORT_INTERVAL: String(options.pushIntervalMs),
        },
      });
    }
    const running = scraper;
    const everyone = (): [string, Child][] => [
      ...apps.map((a, i): [string, Child] => [`load-${i}`, a]),
      ...[...agents, ...gateways, store.router, ...store.ingestors, store.querier, store.ruler].map(
        (p): [string, Child] => [p.name, p.child],
      ),
      ...(demo ? [['demo', demo] as [string, Child]] : []),
    ];
    const dead = () =>
      everyone().filter(([, c]) => c.process.exitCode !== null || c.process.signalCode !== null);
    return {
      store,
      gateways,
      agents,
      apps,
      startApps,
      demo,
      scraper: running,
      crashed: () => dead().map(([name]) => name),
      diagnose: () =>
        dead()
          .map(
            ([name, c]) =>
              `--- ${name} (exit ${c.process.exitCode ?? c.process.signalCode}):\n${c.output().slice(-1500)}`,
          )
          .join('\n'),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
