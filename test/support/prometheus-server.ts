import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startChild, waitFor, type Child } from './processes.ts';

export interface ScrapeJob {
  job_name: string;
  target: string;
  labels: Record<string, string>;
  honor_labels?: boolean;
}

export type Labels = Record<string, string>;

export interface PrometheusOptions {
  /** The binary to run: Debian's `prometheus` by default; `toolPath('prometheus')` for the pinned 3.7.3. */
  readonly binary?: string;
  /** Rule files to load (absolute paths). */
  readonly ruleFiles?: readonly string[];
  /** Rule evaluation interval (default 1s, like scraping). */
  readonly evaluationInterval?: string;
  /** Alertmanager base URLs (`http://127.0.0.1:9093`) to send alerts to. */
  readonly alertmanagers?: readonly string[];
  /** Remote-write every scraped sample to these URLs as well. */
  readonly remoteWrite?: readonly string[];
  /** More command-line flags (e.g. `--rules.alert.resend-delay=5s`). */
  readonly extraArgs?: readonly string[];
}

export interface ActiveAlert {
  labels: Labels;
  annotations: Labels;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

/** A real Prometheus on a free port with a temporary config and storage directory. */
export interface PrometheusServer {
  readonly url: string;
  /** GET of an API path (`/api/v1/...`), returning `data`. */
  get<T>(path: string): Promise<T>;
  /** Alerts that are pending or firing now. */
  alerts(): Promise<ActiveAlert[]>;
  /** Instant PromQL query; returns the vector's samples. */
  query(promql: string): Promise<{ metric: Labels; value: number }[]>;
  /** Every series matching a selector seen in the last `lookbackSeconds`. */
  series(selector: string, lookbackSeconds?: number): Promise<Labels[]>;
  stop(): Promise<void>;
}

interface ApiResponse<T> {
  status: string;
  data: T;
  error?: string;
}

async function api<T>(url: string, timeoutMs: number): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await res.json()) as ApiResponse<T>;
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? res.status}`);
  return body.data;
}

/** The query side of the Prometheus HTTP API at `url` (Prometheus itself, or Thanos Query). */
export function prometheusApi(
  url: string,
  timeoutMs = 10_000,
): Pick<PrometheusServer, 'get' | 'alerts' | 'query' | 'series'> {
  const get = <T>(path: string) => api<T>(`${url}${path}`, timeoutMs);
  return {
    get,
    async alerts() {
      return (await get<{ alerts: ActiveAlert[] }>('/api/v1/alerts')).alerts;
    },
    async query(promql) {
      const data = await get<{ result: { metric: Labels; value: [number, string] }[] }>(
        `/api/v1/query?query=${encodeURIComponent(promql)}`,
      );
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    series(selector, lookbackSeconds = 60) {
      const start = Date.now() / 1000 - lookbackSeconds;
      return get<Labels[]>(`/api/v1/series?match[]=${encodeURIComponent(selector)}&start=${start}`);
    },
  };
}

export async function startPrometheus(
  jobs: ScrapeJob[],
  options: PrometheusOptions = {},
): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'flux-prom-'));
  const port = await freePort();
  const config = {
    global: {
      scrape_interval: '1s',
      scrape_timeout: '1s',
      evaluation_interval: options.evaluationInterval ?? '1s',
    },
    rule_files: options.ruleFiles ?? [],
    alerting: {
      alertmanagers: (options.alertmanagers ?? []).map((base) => {
        const { host, protocol } = new URL(base);
        return { scheme: protocol.replace(':', ''), static_configs: [{ targets: [host] }] };
      }),
    },
    remote_write: (options.remoteWrite ?? []).map((url) => ({ url })),
    scrape_configs: jobs.map((j) => ({
      job_name: j.job_name,
      honor_labels: j.honor_labels ?? false,
      static_configs: [{ targets: [j.target], labels: j.labels }],
    })),
  };
  // JSON is YAML: no YAML library needed.
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  let child: Child | undefined = startChild(options.binary ?? 'prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver',
    ...(options.extraArgs ?? []),
  ]);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await child?.stop('SIGTERM');
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'Prometheus ready',
      async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined),
      30_000,
    );
  } catch (err) {
    const log = child?.output() ?? '';
    await stop();
    throw new Error(`${String(err)}\n${log}`);
  }
  return { url, ...prometheusApi(url), stop };
}
