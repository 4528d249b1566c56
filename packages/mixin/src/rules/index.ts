import type { MixinConfig } from '../config.js';
import type { GeneratedFile } from '../generated-file.js';

/** Recording rule files (deploy/prometheus/rules/recording-*.yml). */
export function recordingRuleFiles(_config: MixinConfig): GeneratedFile[] {
  return [];
}
