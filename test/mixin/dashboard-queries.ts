import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
export const DASHBOARDS_DIR = `${repo}deploy/grafana/dashboards/`;

/** The parts of Grafana's dashboard JSON the checks read. */
export interface DashboardJson {
  uid: string;
  title: string;
  description?: string;
  editable?: boolean;
  tags?: string[];
  templating: { list: VariableJson[] };
  panels: PanelJson[];
}

export interface VariableJson {
  type: string;
  name: string;
  query?: string;
  datasource?: { type?: string; uid?: string };
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  refresh?: number;
}

export interface TargetJson {
  refId: string;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  format?: string;
  datasource?: { type?: string; uid?: string };
}

export interface PanelJson {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  targets?: TargetJson[];
  repeat?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  links?: { title: string; url: string }[];
  transformations?: { id: string; options: { renameByName?: Record<string, string> } }[];
  fieldConfig?: {
    defaults?: {
      unit?: string;
      min?: number;
      max?: number;
      thresholds?: { steps: { value: number | null; color: string }[] };
    };
  };
}

/** A panel query with where it comes from. */
export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
  readonly instant: boolean;
  readonly legend: string;
}

/** The generated dashboards as they ship (deploy/grafana/dashboards/*.json), by file name. */
export function loadDashboards(): DashboardJson[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(`${DASHBOARDS_DIR}${f}`, 'utf8')) as DashboardJson);
}

/** Every panel but rows. */
export function panelsOf(dashboard: DashboardJson): PanelJson[] {
  return dashboard.panels.filter((p) => p.type !== 'row');
}

export function queriesOf(dashboard: DashboardJson): PanelQuery[] {
  return panelsOf(dashboard).flatMap((panel) => panelQueries(dashboard, panel));
}

export function panelQueries(dashboard: DashboardJson, panel: PanelJson): PanelQuery[] {
  return (panel.targets ?? []).map((t) => ({
    dashboard: dashboard.title,
    panel: panel.title,
    refId: t.refId,
    expr: t.expr,
    instant: t.instant === true,
    legend: t.legendFormat ?? '',
  }));
}

/** Grafana's built-in variables the dashboards use, and what each is replaced with for Prometheus. */
const BUILT_INS = ['__rate_interval'];

/**
 * The expression as Prometheus receives it: `$__rate_interval` becomes `rateInterval`, every dashboard variable
 * (`$job`, `${job}`) becomes `values[name]` — for a live query `.+`, Grafana's "All" of these variables.
 */
export function substitute(expr: string, rateInterval: string, values: (name: string) => string): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    return BUILT_INS.includes(name) ? rateInterval : values(name);
  });
}
