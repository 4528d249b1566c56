import type { MixinConfig } from '../config.js';
import type { GeneratedFile } from '../generated-file.js';

/** Grafana dashboards (deploy/grafana/dashboards/*.json). */
export function dashboardFiles(_config: MixinConfig): GeneratedFile[] {
  return [];
}
