// Config: the one typed config every artefact is generated from.
export { defaultConfig, resolveConfig } from './config.js';
export type { ConfigOverrides, MixinConfig } from './config.js';
export { loadConfig } from './load-config.js';

// Generation.
export { generate } from './generate.js';
export { staleFiles, writeFiles } from './write.js';
export type { GeneratedFile } from './generated-file.js';
export type { AlertingRule, RecordingRule, Rule, RuleGroup } from './rule-file.js';

// PromQL helpers shared by rules and dashboards.
export * as promql from './promql.js';

// Semantic check of PromQL against the metric catalog.
export { checkExpression, COMMON_LABELS, DEFAULT_EXTERNAL_SERIES } from './promql-check.js';
export type { CheckOptions, SeriesType } from './promql-check.js';

// Alerts and the recording rules they read.
export type { AlertName, AlertsConfig } from './alerts/config.js';
export { RECORDED, RECORDED_LABELS } from './rules/names.js';
export { dashboardRecordedLabels, dashboardRecords } from './rules/dashboards.js';

// Dashboards.
export { dashboards } from './dashboards/index.js';
export type { DashboardsConfig } from './dashboards/config.js';

// SLOs: Sloth prometheus/v1 specs to recording rules and burn-rate alerts.
export { sloRuleFiles, slothRuleFile } from './slo/index.js';
export { sloRuleGroups, errorRatioQuery } from './slo/generate-rules.js';
export { builtInSpec, latencySlo } from './slo/objectives.js';
export { validateSlothSpec } from './slo/sloth-spec.js';
export type { SlothAlert, SlothAlerting, SlothSli, SlothSlo, SlothSpec } from './slo/sloth-spec.js';
export { BURN_RATE_TIERS, burnFactor } from './slo/windows.js';
export { SLO_RECORDED_LABELS } from './slo/recorded.js';
export type { SloConfig } from './slo/config.js';
