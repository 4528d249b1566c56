import type { MixinConfig } from '../config.js';

export interface InhibitRule {
  readonly source_matchers: readonly string[];
  readonly target_matchers: readonly string[];
  readonly equal: readonly string[];
}

/**
 * Inhibitions, so one problem sends one notification:
 * - an absent instance silences that instance's other alerts; an absent app (no instance label) all of its
 *   instances' alerts (Alertmanager compares a missing label as empty, hence two rules);
 * - the critical alert silences the warning of the same alert on the same instance;
 * - an SLO page silences the ticket of the same SLO (burn-rate alerts carry `sloth_id`).
 */
export function inhibitRules(config: MixinConfig): InhibitRule[] {
  const am = config.alertmanager;
  const scope = config.instanceLabels;
  const instance = scope.at(-1);
  const app = scope.slice(0, -1);
  const rules: InhibitRule[] = [];
  if (am.absenceAlerts.length && instance !== undefined) {
    const absent = `alertname=~"${am.absenceAlerts.join('|')}"`;
    const others = `alertname!~"${[...am.absenceAlerts, am.watchdog.alertname].join('|')}"`;
    rules.push({ source_matchers: [absent, `${instance}!=""`], target_matchers: [others], equal: scope });
    if (app.length) {
      rules.push({ source_matchers: [absent, `${instance}=""`], target_matchers: [others], equal: app });
    }
  }
  rules.push(
    {
      source_matchers: ['severity="critical"'],
      target_matchers: ['severity="warning"'],
      equal: ['alertname', ...scope],
    },
    {
      source_matchers: ['severity="critical"', 'sloth_id!=""'],
      target_matchers: ['severity="warning"', 'sloth_id!=""'],
      equal: ['sloth_id'],
    },
  );
  return rules;
}
