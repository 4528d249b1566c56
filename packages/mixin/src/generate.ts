import { alertmanagerFiles } from './alertmanager/index.js';
import { alertRuleFiles } from './alerts/index.js';
import type { MixinConfig } from './config.js';
import { dashboardFiles } from './dashboards/index.js';
import type { GeneratedFile } from './generated-file.js';
import { recordingRuleFiles } from './rules/index.js';
import { sloRuleFiles } from './slo/index.js';

/** Every file the mixin generates from one config, paths relative to the output (`deploy/`) directory. */
export function generate(config: MixinConfig): GeneratedFile[] {
  const files = [
    ...alertRuleFiles(config),
    ...recordingRuleFiles(config),
    ...sloRuleFiles(config),
    ...dashboardFiles(config),
    ...alertmanagerFiles(config),
  ];
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) throw new Error(`mixin: two generators write ${file.path}`);
    seen.add(file.path);
  }
  return files;
}
