import type { MixinConfig } from '../config.js';
import type { GeneratedFile } from '../generated-file.js';

/** SLO rule files (deploy/prometheus/rules/slo-*.yml). */
export function sloRuleFiles(_config: MixinConfig): GeneratedFile[] {
  return [];
}
