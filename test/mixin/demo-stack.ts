import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCollector, collectorPorts, startCollector } from '../export/collector-process.ts';
import { type Child } from '../support/processes.ts';
import { demoPorts, startDemo } from '../support/demo.ts';
import { startPrometheus, type PrometheusServer } from '../support/prometheus-server.ts';
import { toolPath } from '../support/tools.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
export const RULES_DIR = `${repo}deploy/prometheus/rules/`;

/** The demo media server, the flux-metrics Collector and the pinned Prometheus with every generated rule. */
export interface DemoStack {
  readonly prometheus: PrometheusServer;
  readonly demo: Child;
  readonly collector: Child;
  /** The demo's HTTP API (`/streams`, `/faults`, …). */
  readonly apiUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the demo with both exporters: Prometheus scrapes its /metrics as job `media-server` (the mixin's
 * default app selector) and the Collector's own telemetry as job `otel-collector`, while the demo pushes
 * OTLP through the Collector so the Collector's receiver and exporter metrics move.
 */
export async function startDemoStack(durationSeconds: number): Promise<DemoStack> {
  const collectorBin = await buildCollector();
  const ports = await collectorPorts();
  const appPorts = await demoPorts();
  const ruleFiles = readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => `${RULES_DIR}${f}`);
  const prometheus = await startPrometheus(
    [
      { job_name: 'media-server', target: `127.0.0.1:${appPorts.metrics}`, labels: {} },
      { job_name: 'otel-collector', target: `127.0.0.1:${ports.telemetry}`, labels: {} },
    ],
    { binary: toolPath('prometheus'), ruleFiles, evaluationInterval: '5s' },
  );
  const started: Child[] = [];
  const stop = async () => {
    for (const child of started.reverse()) await child.stop('SIGTERM');
    await prometheus.stop();
  };
  try {
    // Remote write as well, so the queued exporter's queue metrics exist; its series carry the service name
    // as job, which the mixin's app selector does not match, so they do not double the dashboards' data.
    const collector = await startCollector(collectorBin, ports, {
      env: {
        FLUX_COLLECTOR_EXPORTERS: '[prometheus, prometheus_remote_write]',
        FLUX_REMOTE_WRITE_ENDPOINT: `${prometheus.url}/api/v1/write`,
        FLUX_REMOTE_WRITE_INSECURE: 'true',
      },
    });
    started.push(collector);
    const demo = await startDemo({
      durationSeconds,
      ports: appPorts,
      env: {
        ...process.env,
        OTEL_METRICS_EXPORTER: 'both',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.http}`,
        OTEL_METRIC_EXPORT_INTERVAL: '2000',
      },
    });
    started.push(demo);
    return { prometheus, demo, collector, apiUrl: demo.apiUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
