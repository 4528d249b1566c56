import * as units from '@grafana/grafana-foundation-sdk/units';
import type { DashboardContext, DashboardSpec } from './frame.js';
import { stat, table, timeseries } from './panels.js';
import { BURN_RATE_TIERS, burnFactor } from '../slo/windows.js';
import { above, type Thresholds } from './thresholds.js';

/**
 * The SLO dashboard: per objective the SLI over time, burn rates, error budget remaining and time to
 * exhaustion, read from the Sloth-format recording rules (`slo:*`, labels `sloth_service`/`sloth_slo`).
 * Those rules aggregate over every instance, so panels filter by SLO, not by job/instance.
 */
export function sloDashboard(ctx: DashboardContext): DashboardSpec {
  const { periodDays } = ctx.config.slo;
  const periodSeconds = periodDays * 86_400;
  // The long windows of the alert tiers, plus 5m for what is burning right now.
  const burnWindows = ['5m', ...BURN_RATE_TIERS.map((t) => t.long)];
  const factors = BURN_RATE_TIERS.map((t) => burnFactor(t, periodDays));
  const tiers = BURN_RATE_TIERS.map((t, i) => `${t.severity} ${t.long}/${t.short} > ${factors[i]}`).join(
    ', ',
  );
  const sel = 'sloth_slo=~"$slo"';
  const bySlo = (record: string) => `max by (sloth_service, sloth_slo) (${record}{${sel}})`;
  const budget = bySlo('slo:error_budget:ratio');
  const burnRate = (window: string) =>
    `${bySlo(`slo:sli_error:ratio_rate${window}`)}\n/ on (sloth_service, sloth_slo)\n${budget}`;
  const budgetLeft: Thresholds = {
    base: 'red',
    steps: [
      { value: 0, color: 'orange' },
      { value: 0.25, color: 'green' },
    ],
  };
  return {
    key: 'slo',
    title: 'SLOs',
    description:
      'Service level objectives of the media servers: SLIs, burn rates against the multi-window alert tiers, error budget and time to exhaustion.',
    variables: ['slo'],
    rows: [
      {
        title: 'All objectives',
        panels: [
          table({
            title: 'Objectives',
            description: `Every selected SLO: objective, success over the ${periodDays}-day period, error budget remaining and the current (5m) burn rate.`,
            unit: units.PercentUnit,
            targets: [
              { expr: bySlo('slo:objective:ratio') },
              { expr: `1 - ${bySlo('slo:sli_error:ratio_rate30d')}` },
              { expr: bySlo('slo:period_error_budget_remaining:ratio') },
              { expr: bySlo('slo:current_burn_rate:ratio') },
            ],
            valueTitles: ['Objective', 'Success (period)', 'Budget remaining', 'Burn rate'],
            width: 24,
            height: 7,
          }).overrideByName('Burn rate', [{ id: 'unit', value: units.NoUnit }]),
        ],
      },
      {
        title: 'SLO $slo',
        repeat: 'slo',
        panels: [
          timeseries({
            title: 'SLI',
            description:
              'Share of good events over 5 minutes, 1 hour and the whole period, against the objective (dashed).',
            unit: units.PercentUnit,
            targets: [
              ...(['5m', '1h', '30d'] as const).map((w) => ({
                expr: `1 - ${bySlo(`slo:sli_error:ratio_rate${w}`)}`,
                legend: `success ${w}`,
              })),
              { expr: bySlo('slo:objective:ratio'), legend: 'objective' },
            ],
            max: 1,
            width: 8,
          }),
          timeseries({
            title: 'Burn rate',
            description: `How fast the error budget burns (1 = exactly used up by the end of the period), per window. Alert tiers (both windows above the factor): ${tiers}.`,
            unit: units.NoUnit,
            targets: burnWindows.map((w) => ({ expr: burnRate(w), legend: w })),
            thresholds: above(Math.min(...factors), Math.max(...factors)),
            min: 0,
            width: 8,
          }),
          stat({
            title: 'Error budget remaining',
            description: `Share of the ${periodDays}-day error budget not yet spent; negative when the SLO is missed.`,
            unit: units.PercentUnit,
            targets: [{ expr: bySlo('slo:period_error_budget_remaining:ratio'), legend: '{{sloth_slo}}' }],
            thresholds: budgetLeft,
            width: 4,
          }),
          stat({
            title: 'Time to exhaustion',
            description: `How long the remaining error budget lasts if the last hour's burn rate continues; shown as the full period (${periodDays} days) when nothing burns.`,
            unit: units.DurationSeconds,
            targets: [
              {
                expr: `clamp_max(\n  clamp_min(${bySlo('slo:period_error_budget_remaining:ratio')}, 0) * ${periodSeconds}\n  / on (sloth_service, sloth_slo)\n  (${burnRate('1h')}),\n  ${periodSeconds}\n)`,
                legend: '{{sloth_slo}}',
              },
            ],
            thresholds: {
              base: 'red',
              steps: [
                { value: 86_400, color: 'orange' },
                { value: 7 * 86_400, color: 'green' },
              ],
            },
            width: 4,
          }),
        ],
      },
    ],
  };
}
