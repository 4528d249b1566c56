import type { MixinConfig } from '../config.js';
import type { GeneratedFile } from '../generated-file.js';

/** Alert rule files (deploy/prometheus/rules/alerts-*.yml). */
export function alertRuleFiles(_config: MixinConfig): GeneratedFile[] {
  return [];
}
