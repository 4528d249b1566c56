import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { AlertName } from '../alerts/config.js';
import type { MixinConfig } from '../config.js';
import { dashboardRecords } from '../rules/dashboards.js';
import type { PanelLink } from './panels.js';
import { Queries } from './queries.js';
import { alertLevels, type AlertLevel } from './thresholds.js';
import { variables, type ExtraVariable } from './variables.js';

/** What every dashboard module gets: the config, query helpers and runbook links. */
export interface DashboardContext {
  readonly config: MixinConfig;
  readonly q: Queries;
  /** Names of the dashboards' recording rules. */
  readonly records: ReturnType<typeof dashboardRecords>;
  /** Alert thresholds the panels draw. */
  readonly levels: ReturnType<typeof alertLevels>;
  /** A panel link to the runbook of one alert. */
  runbook(alert: AlertLevel | AlertName): PanelLink;
}

export function dashboardContext(config: MixinConfig): DashboardContext {
  return {
    config,
    q: new Queries(config),
    records: dashboardRecords(config),
    levels: alertLevels(config),
    runbook(alert) {
      const name = typeof alert === 'string' ? alert : alert.alert;
      return { title: `Runbook: ${name}`, url: `${config.runbookBaseUrl}${name}.md` };
    },
  };
}

export interface Row {
  readonly title: string;
  readonly panels: readonly cog.Builder<dashboard.Panel>[];
  /** Repeat the row once per value of this variable (its panels then filter by that one value). */
  readonly repeat?: string;
}

export interface DashboardSpec {
  /** File name and uid suffix: `<uidPrefix><key>`. */
  readonly key: string;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly ExtraVariable[];
  readonly rows: readonly Row[];
}

/** A built dashboard with the mixin's common frame: variables, links, tags, ids. */
export function buildDashboard(ctx: DashboardContext, spec: DashboardSpec): dashboard.Dashboard {
  const { dashboards } = ctx.config;
  const builder = new dashboard.DashboardBuilder(`${dashboards.titlePrefix}${spec.title}`)
    .uid(`${dashboards.uidPrefix}${spec.key}`)
    .description(spec.description)
    .tags([...dashboards.tags])
    .readonly()
    .refresh(dashboards.refresh)
    .time({ from: dashboards.timeFrom, to: 'now' })
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .variables(variables(ctx.config, spec.variables))
    .link(
      new dashboard.DashboardLinkBuilder('flux-metrics dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([dashboards.tags[0] ?? 'flux-metrics'])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    )
    .link(
      new dashboard.DashboardLinkBuilder('Runbooks')
        .type(dashboard.DashboardLinkType.Link)
        .icon('doc')
        .url(ctx.config.runbookBaseUrl)
        .targetBlank(true),
    );
  for (const row of spec.rows) {
    const rowBuilder = new dashboard.RowBuilder(row.title);
    if (row.repeat) rowBuilder.repeat(row.repeat);
    builder.withRow(rowBuilder);
    for (const panel of row.panels) builder.withPanel(panel);
  }
  const built = builder.build();
  // Stable ids: Grafana needs unique panel ids for links and repeats; the SDK leaves them out.
  built.panels?.forEach((panel, i) => (panel.id = i + 1));
  // The SDK puts every link in Grafana 12's controls menu, where it is easy to miss: keep the default place.
  const panelLinks = (built.panels ?? []).flatMap((p) => ('links' in p ? (p.links ?? []) : []));
  for (const link of [...(built.links ?? []), ...panelLinks]) delete link.placement;
  return built;
}
