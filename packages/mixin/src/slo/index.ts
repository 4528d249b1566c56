import type { MixinConfig } from '../config.js';
import type { GeneratedFile } from '../generated-file.js';
import { ruleFile, type RuleGroup } from '../rule-file.js';
import { sloRuleGroups } from './generate-rules.js';
import { builtInSpec } from './objectives.js';
import { restartRecoveryGroup } from './restart-recovery.js';
import { validateSlothSpec, type SlothSpec } from './sloth-spec.js';

/** SLO rule files (deploy/prometheus/rules/slo-<service>.yml): built-in objectives plus `slo.specs`. */
export function sloRuleFiles(config: MixinConfig): GeneratedFile[] {
  const runbookUrl = (alert: string) => `${config.runbookBaseUrl}${alert}.md`;
  const alertFor = config.alerts.profile === 'fast' ? config.alerts.fastFor : undefined;
  const options = { periodDays: config.slo.periodDays, runbookUrl, alertFor };
  const specs = [
    builtInSpec(config),
    ...config.slo.specs.map((s, i) => validateSlothSpec(s, `slo.specs[${i}]`)),
  ];
  const byService = new Map<string, RuleGroup[]>();
  for (const spec of specs) {
    const groups = byService.get(spec.service) ?? [];
    groups.push(...sloRuleGroups(spec, options));
    byService.set(spec.service, groups);
  }
  byService.get(config.slo.service)?.push(restartRecoveryGroup(config, runbookUrl, alertFor));
  return [...byService].map(([service, groups]) => {
    const duplicate = groups.map((g) => g.name).find((name, i, all) => all.indexOf(name) !== i);
    if (duplicate)
      throw new Error(`SLO rule group ${duplicate} is defined twice (same service and SLO name)`);
    return ruleFile(`prometheus/rules/slo-${service}.yml`, groups);
  });
}

/** The rule file of Sloth specs alone, as `flux-slo` writes it (no built-in objectives). */
export function slothRuleFile(
  specs: readonly SlothSpec[],
  periodDays: number,
  runbookBaseUrl?: string,
): GeneratedFile {
  const runbookUrl =
    runbookBaseUrl === undefined ? undefined : (alert: string) => `${runbookBaseUrl}${alert}.md`;
  return ruleFile(
    'slo.yml',
    specs.flatMap((spec) => sloRuleGroups(spec, { periodDays, runbookUrl })),
  );
}
