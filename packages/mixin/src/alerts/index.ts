import type { MixinConfig } from '../config.js';
import type { GeneratedFile } from '../generated-file.js';
import { ruleFile } from '../rule-file.js';
import { designAlerts } from './design.js';
import { mediaAlerts } from './media.js';
import { pipelineAlerts } from './pipeline.js';
import { ruleConfig } from './profile.js';

/** Alert rule files (deploy/prometheus/rules/alerts.yml). */
export function alertRuleFiles(config: MixinConfig): GeneratedFile[] {
  const c = ruleConfig(config);
  return [
    ruleFile('prometheus/rules/alerts.yml', [
      { name: 'flux-metrics-design', rules: designAlerts(c) },
      { name: 'flux-metrics-media', rules: mediaAlerts(c) },
      { name: 'flux-metrics-pipeline', rules: pipelineAlerts(c) },
    ]),
  ];
}
