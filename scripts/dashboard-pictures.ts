/**
 * `npm run dashboards:pictures`: runs the demo with the Collector and the pinned Prometheus (the live dashboard
 * test's stack), waits until the panels have data and a few minutes of history, queries every panel as Grafana
 * would, draws each dashboard as SVG and turns it into docs/dashboards/<uid>.png with headless Chromium, then
 * writes docs/dashboards.md. Options: --minutes <n> of history before drawing (default 6); --faults <list> of
 * demo faults switched on for the last third (default rtspErrors,srtLoss,errorStops; `none` for a healthy run),
 * so the pictures show thresholds crossed, budgets burning and errors ranked.
 */
import { execFileSync } from 'node:child_process';
import { dashboards as mixinDashboards, defaultConfig } from '@flux-metrics/mixin';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  loadDashboards,
  panelQueries,
  panelsOf,
  queriesOf,
  substitute,
  type DashboardJson,
  type PanelJson,
} from '../test/mixin/dashboard-queries.ts';
import { startDemoStack } from '../test/mixin/demo-stack.ts';
import { panelData } from '../test/mixin/panel-data.ts';
import type { PrometheusServer } from '../test/support/prometheus-server.ts';
import { waitFor } from '../test/support/processes.ts';
import { dashboardsMarkdown, type DashboardReport } from './pictures/markdown.ts';
import { dashboardSvg, WIDTH, type PanelPicture, type RowHeader } from './pictures/svg.ts';

const repo = fileURLToPath(new URL('../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '6' },
    faults: { type: 'string', default: 'rtspErrors,srtLoss,errorStops' },
  },
});
const minutes = Number(args.minutes);
if (!(minutes > 0)) throw new Error('--minutes must be a positive number');
const faults = args.faults === 'none' ? [] : args.faults.split(',').filter(Boolean);

execFileSync('bash', [`${repo}scripts/install-chromium.sh`], { stdio: 'inherit' });
// In the mixin's menu order (overview first), not file order.
const order = mixinDashboards(defaultConfig).map((d) => d.uid);
const dashboards = loadDashboards().sort((a, b) => order.indexOf(a.uid) - order.indexOf(b.uid));
const stack = await startDemoStack(minutes * 60 + 600);
const started = Date.now() / 1000;
try {
  const log = (line: string) => console.log(`[pictures] ${line}`);
  log(`demo, Collector and Prometheus ${stack.prometheus.url} running; collecting ${minutes} min of data`);
  const elapsed = (minimum: number) => async () =>
    Date.now() / 1000 - started >= minimum ? true : undefined;
  const faultsAt = (minutes * 60 * 2) / 3;
  if (faults.length) {
    await waitFor('the healthy part of the run', elapsed(faultsAt), minutes * 60_000);
    const body = JSON.stringify(Object.fromEntries(faults.map((f) => [f, true])));
    const res = await fetch(`${stack.apiUrl}/faults`, { method: 'POST', body });
    if (!res.ok) throw new Error(`POST /faults ${body}: ${res.status} ${await res.text()}`);
    log(`faults on: ${faults.join(', ')}`);
  }
  await waitFor(`${minutes} minutes of demo data`, elapsed(minutes * 60), minutes * 60_000 + 60_000);
  const end = Math.floor(Date.now() / 1000);
  const start = Math.ceil(started);
  const reports: DashboardReport[] = [];
  const outDir = `${repo}docs/dashboards`;
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'flux-pictures-'));
  for (const dashboard of dashboards) {
    const { panels, rows, fed, total } = await drawData(stack.prometheus, dashboard, start, end);
    const faultNote = faults.length
      ? ` · faults ${faults.join(', ')} on for the last ${Math.round((end - start - faultsAt) / 60)} minutes`
      : '';
    const subtitle = `${panelsOf(dashboard).length} panels · ${fed}/${total} queries returned data · the demo's last ${Math.round((end - start) / 60)} minutes${faultNote}`;
    const { svg, height } = dashboardSvg({ title: dashboard.title, subtitle, start, end, panels }, rows);
    const svgPath = join(work, `${dashboard.uid}.svg`);
    writeFileSync(svgPath, svg);
    execFileSync(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        '--force-device-scale-factor=1',
        `--window-size=${WIDTH},${height}`,
        `--screenshot=${join(outDir, `${dashboard.uid}.png`)}`,
        `file://${svgPath}`,
      ],
      { stdio: 'ignore' },
    );
    reports.push({
      dashboard,
      panels: panelsOf(dashboard).length,
      fed,
      total,
      image: `dashboards/${dashboard.uid}.png`,
    });
    log(`${dashboard.title}: ${panelsOf(dashboard).length} panels, ${fed}/${total} queries returned data`);
  }
  rmSync(work, { recursive: true, force: true });
  writeFileSync(`${repo}docs/dashboards.md`, dashboardsMarkdown(reports, faults));
  log('wrote docs/dashboards.md and docs/dashboards/*.png');
} finally {
  await stack.stop();
}

/** Every panel's data, with rows repeated per value of their variable as Grafana does. */
async function drawData(prometheus: PrometheusServer, dashboard: DashboardJson, start: number, end: number) {
  const rangeSeconds = end - start;
  const step = Math.max(5, Math.ceil(rangeSeconds / 240));
  const panels: PanelPicture[] = [];
  const rows: RowHeader[] = [];
  const queries = queriesOf(dashboard);
  const fedKeys = new Set<string>();
  let shift = 0;
  const blocks = rowBlocks(dashboard);
  for (const block of blocks) {
    const repeatValues = block.row.repeat
      ? await variableValues(prometheus, dashboard, block.row.repeat)
      : [undefined];
    for (const [i, value] of repeatValues.entries()) {
      const offset = shift + i * block.height;
      const values = (name: string) =>
        name === block.row.repeat && value !== undefined ? escapeRegex(value) : '.+';
      const rename = (s: string) => s.replace(`$${block.row.repeat ?? ''}`, value ?? '');
      rows.push({ title: rename(block.row.title), y: block.row.gridPos.y + offset });
      for (const panel of block.panels) {
        const targets = [];
        for (const q of panelQueries(dashboard, panel)) {
          const series = await panelData(prometheus, q, { rangeSeconds, stepSeconds: step, values, end });
          if (series.length) fedKeys.add(`${panel.id}/${q.refId}`);
          targets.push({ legend: q.legend, series });
        }
        panels.push({ panel, y: panel.gridPos.y + offset, title: rename(panel.title), targets });
      }
    }
    shift += (repeatValues.length - 1) * block.height;
  }
  return { panels, rows, fed: fedKeys.size, total: queries.length };
}

interface Block {
  readonly row: PanelJson;
  readonly panels: PanelJson[];
  readonly height: number;
}

function rowBlocks(dashboard: DashboardJson): Block[] {
  const blocks: { row: PanelJson; panels: PanelJson[] }[] = [];
  for (const p of dashboard.panels) {
    if (p.type === 'row') blocks.push({ row: p, panels: [] });
    else blocks.at(-1)?.panels.push(p);
  }
  return blocks.map((b, i) => ({
    ...b,
    height:
      (blocks[i + 1]?.row.gridPos.y ?? Math.max(...b.panels.map((p) => p.gridPos.y + p.gridPos.h))) -
      b.row.gridPos.y,
  }));
}

/** The values Grafana would offer for a query variable (`label_values(series, label)`). */
async function variableValues(
  prometheus: PrometheusServer,
  dashboard: DashboardJson,
  name: string,
): Promise<string[]> {
  const variable = dashboard.templating.list.find((v) => v.name === name);
  const match = /^label_values\((.+), (\w+)\)$/s.exec(variable?.query ?? '');
  if (!match) throw new Error(`${dashboard.title}: $${name} is not a label_values() variable`);
  const series = substitute(match[1]!, '1m', () => '.+');
  const values = await prometheus.get<string[]>(
    `/api/v1/label/${match[2]}/values?match[]=${encodeURIComponent(series)}`,
  );
  return values.length ? values : [''];
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');
}
