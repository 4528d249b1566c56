import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { MixinConfig } from '../config.js';
import type { GeneratedFile } from '../generated-file.js';
import { buildDashboard, dashboardContext, type DashboardContext, type DashboardSpec } from './frame.js';
import { overviewDashboard } from './overview.js';
import { performanceDashboard } from './performance.js';
import { pipelineDashboard } from './pipeline.js';
import { rtspDashboard } from './rtsp.js';
import { sloDashboard } from './slo.js';
import { srtDashboard } from './srt.js';
import { storageDashboard } from './storage.js';

/** The dashboards in menu order. */
const DASHBOARDS: readonly ((ctx: DashboardContext) => DashboardSpec)[] = [
  overviewDashboard,
  rtspDashboard,
  srtDashboard,
  storageDashboard,
  performanceDashboard,
  sloDashboard,
  pipelineDashboard,
];

/** Every generated dashboard, built. */
export function dashboards(config: MixinConfig): Dashboard[] {
  const ctx = dashboardContext(config);
  return DASHBOARDS.map((spec) => buildDashboard(ctx, spec(ctx)));
}

/** Grafana dashboards (deploy/grafana/dashboards/<uid>.json), provisioned by the compose stack. */
export function dashboardFiles(config: MixinConfig): GeneratedFile[] {
  return dashboards(config).map((d) => ({
    path: `grafana/dashboards/${d.uid}.json`,
    content: `${JSON.stringify(d, null, 2)}\n`,
  }));
}
