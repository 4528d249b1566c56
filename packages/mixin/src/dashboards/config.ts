/** Dashboard settings (filled in by the dashboards work). */
export interface DashboardsConfig {
  /** Tags put on every generated dashboard. */
  readonly tags: readonly string[];
}

export const defaultDashboardsConfig: DashboardsConfig = { tags: ['flux-metrics'] };
