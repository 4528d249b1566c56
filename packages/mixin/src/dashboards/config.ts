/** Settings of the generated Grafana dashboards. */
export interface DashboardsConfig {
  /** Tags put on every generated dashboard; the dashboards link to each other through the first one. */
  readonly tags: readonly string[];
  /** Prefix of every dashboard uid (`<prefix>overview`, `<prefix>rtsp`, …); keep it stable, links use it. */
  readonly uidPrefix: string;
  /** Prefix of every dashboard title. */
  readonly titlePrefix: string;
  /** Auto-refresh interval of every dashboard. */
  readonly refresh: string;
  /** Default time range, as Grafana writes it (`now-6h`). */
  readonly timeFrom: string;
  /** Rows of the top-N tables (slow requests, errors, failing requests). */
  readonly topN: number;
}

export const defaultDashboardsConfig: DashboardsConfig = {
  tags: ['flux-metrics'],
  uidPrefix: 'flux-',
  titlePrefix: 'flux-metrics / ',
  refresh: '30s',
  timeFrom: 'now-6h',
  topN: 10,
};
