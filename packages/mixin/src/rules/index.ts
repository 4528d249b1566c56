import type { MixinConfig } from '../config.js';
import type { GeneratedFile } from '../generated-file.js';
import { dashboardRuleFiles } from './dashboards.js';

/** Recording rule files (deploy/prometheus/rules/recording-*.yml). */
export function recordingRuleFiles(config: MixinConfig): GeneratedFile[] {
  return [...dashboardRuleFiles(config)];
}
