import type { PrometheusServer } from '../support/prometheus-server.ts';
import { substitute, type PanelQuery } from './dashboard-queries.ts';

/**
 * `$__rate_interval` for the live checks: Grafana makes it at least 4 scrape intervals, and the test
 * Prometheus scrapes every second; 20 s also spans several rule evaluations (every 5 s).
 */
export const LIVE_RATE_INTERVAL = '20s';

export interface Series {
  readonly metric: Record<string, string>;
  /** [unix seconds, value] pairs; one pair for an instant query. */
  readonly values: readonly (readonly [number, number])[];
}

/** Panel queries a healthy demo cannot feed, and why (`<dashboard uid> / <panel title> / <refId>`). */
export const CANNOT_FEED: Record<string, string> = {
  'flux-pipeline / Invalid measurements / A':
    'counts measurements dropped as NaN/negative/non-numbers; the demo records none (test/core/guards.test.ts covers the counter)',
  'flux-srt / Handshake P99 / A':
    "the demo's SRT connections are set up once, before Prometheus first scrapes the handshake histogram, so rate() never sees an increase; a server that accepts SRT callers over time fills it (the srt-handshake SLO's SLI is empty in the demo for the same reason)",
};

/** Grafana's "All" of the dashboards' variables. */
const ALL = () => '.+';

/** The query as Grafana sends it, every variable on "All" (`.+`) unless `values` says otherwise. */
export function liveExpr(query: PanelQuery, values: (name: string) => string = ALL): string {
  return substitute(query.expr, LIVE_RATE_INTERVAL, values);
}

export interface PanelDataOptions {
  /** How far back the range query reaches from `end`. */
  readonly rangeSeconds: number;
  readonly stepSeconds?: number;
  /** Variable values (default: "All"). */
  readonly values?: (name: string) => string;
  /** End of the range, unix seconds (default: now); instant queries are evaluated now. */
  readonly end?: number;
}

/**
 * What the panel would show: a range query over the last `rangeSeconds` (an instant query for tables), with
 * NaN samples dropped as Grafana leaves them out.
 */
export async function panelData(
  prometheus: Pick<PrometheusServer, 'get'>,
  query: PanelQuery,
  options: PanelDataOptions,
): Promise<Series[]> {
  const { rangeSeconds, stepSeconds = 5, values = ALL, end = Math.floor(Date.now() / 1000) } = options;
  const expr = encodeURIComponent(liveExpr(query, values));
  if (query.instant) {
    const data = await prometheus.get<{
      result: { metric: Record<string, string>; value: [number, string] }[];
    }>(`/api/v1/query?query=${expr}`);
    return data.result
      .map((r) => ({ metric: r.metric, values: [[r.value[0], Number(r.value[1])] as const] }))
      .filter((s) => s.values.every(([, v]) => !Number.isNaN(v)));
  }
  const data = await prometheus.get<{
    result: { metric: Record<string, string>; values: [number, string][] }[];
  }>(`/api/v1/query_range?query=${expr}&start=${end - rangeSeconds}&end=${end}&step=${stepSeconds}`);
  return data.result
    .map((r) => ({
      metric: r.metric,
      values: r.values.map(([t, v]) => [t, Number(v)] as const).filter(([, v]) => !Number.isNaN(v)),
    }))
    .filter((s) => s.values.length > 0);
}
