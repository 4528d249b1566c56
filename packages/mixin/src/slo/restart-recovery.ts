import type { MixinConfig } from '../config.js';
import { appSeries } from '../promql.js';
import type { RuleGroup } from '../rule-file.js';

/**
 * "Restart recovery < 30 s" as an alert: a restart that has not recovered within the objective is a scraped
 * server that stays down (`up == 0`) that long. A ticket (warning): the objective is missed and worth a look;
 * ServiceDown pages when the server stays down (2m) and inhibits this one. Needs a scrape per server (the
 * embedded /metrics); see docs/slo.md for the OTLP path.
 */
export function restartRecoveryGroup(
  config: MixinConfig,
  runbookUrl: (alert: string) => string,
  alertFor = `${config.slo.restartRecovery.seconds}s`,
): RuleGroup {
  const { seconds, alert } = config.slo.restartRecovery;
  return {
    name: `${config.slo.service}-restart-recovery`,
    rules: [
      {
        alert,
        expr: `${appSeries(config, 'up')} == 0`,
        for: alertFor,
        labels: { severity: 'warning', slo: 'restart-recovery' },
        annotations: {
          summary: `A media server has not recovered within ${seconds} s.`,
          description:
            `{{ $labels.instance }} of {{ $labels.job }} has not answered a scrape for more than ${seconds} s: ` +
            `a restart did not recover within the ${seconds} s objective, or the server is down.`,
          runbook_url: runbookUrl(alert),
        },
      },
    ],
  };
}
