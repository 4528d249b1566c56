import { defaultSloConfig } from './config.js';
import { sliWindows } from './windows.js';

const IDS = ['sloth_id', 'sloth_service', 'sloth_slo'] as const;
const WINDOWED = [...IDS, 'sloth_window'] as const;

/**
 * The series the SLO rules record (default period) with the labels each carries, for checkExpression and for
 * dashboards that read them. Labels of a user's spec (`owner`, …) come on top.
 */
export const SLO_RECORDED_LABELS: Readonly<Record<string, readonly string[]>> = {
  ...Object.fromEntries(
    [...sliWindows(), `${defaultSloConfig.periodDays}d`].map((w) => [
      `slo:sli_error:ratio_rate${w}`,
      WINDOWED,
    ]),
  ),
  'slo:objective:ratio': IDS,
  'slo:error_budget:ratio': IDS,
  'slo:time_period:days': IDS,
  'slo:current_burn_rate:ratio': WINDOWED,
  'slo:period_burn_rate:ratio': WINDOWED,
  'slo:period_error_budget_remaining:ratio': WINDOWED,
  sloth_slo_info: [...IDS, 'sloth_mode', 'sloth_objective', 'sloth_spec', 'sloth_version'],
};
