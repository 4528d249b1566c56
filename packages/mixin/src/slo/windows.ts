/**
 * Multi-window multi-burn-rate alerting (Google SRE Workbook, ch. 5; Sloth's google-30d windows): each tier
 * fires when both its long and its short window burn the error budget faster than `factor`, where
 * factor = budget share consumed × period / long window (14.4, 6, 3 and 1 for 30 days).
 */
export interface BurnRateTier {
  readonly severity: 'page' | 'ticket';
  readonly long: string;
  readonly short: string;
  /** Share of the period's error budget that burning at `factor` consumes over the long window. */
  readonly budgetConsumed: number;
  /** `for` of the alert (kubernetes-mixin / Pyrra): damps a single bad scrape without delaying a page much. */
  readonly for: string;
}

export const BURN_RATE_TIERS: readonly BurnRateTier[] = [
  { severity: 'page', long: '1h', short: '5m', budgetConsumed: 0.02, for: '2m' },
  { severity: 'page', long: '6h', short: '30m', budgetConsumed: 0.05, for: '15m' },
  { severity: 'ticket', long: '1d', short: '2h', budgetConsumed: 0.1, for: '1h' },
  { severity: 'ticket', long: '3d', short: '6h', budgetConsumed: 0.1, for: '3h' },
];

/** The burn-rate factor of a tier for a period: 14.4 for 2 % over 1 h of 30 days. */
export function burnFactor(tier: BurnRateTier, periodDays: number): number {
  return round(tier.budgetConsumed * ((periodDays * 24) / hours(tier.long)));
}

/** Every window an SLI is recorded over for the tiers, shortest first (5m … 3d), without the period. */
export function sliWindows(): string[] {
  const windows = [...new Set(BURN_RATE_TIERS.flatMap((t) => [t.short, t.long]))];
  return windows.sort((a, b) => hours(a) - hours(b));
}

/** Hours of a Prometheus duration made of one unit (`5m`, `6h`, `3d`). */
export function hours(duration: string): number {
  const match = /^(\d+)([mhd])$/.exec(duration);
  if (!match) throw new Error(`unsupported window "${duration}" (expected e.g. 5m, 6h, 3d)`);
  const n = Number(match[1]);
  return match[2] === 'm' ? n / 60 : match[2] === 'h' ? n : n * 24;
}

/** Rounds float noise away (1 - 0.999 = 0.0010000000000000009 → 0.001) so rules show the intended numbers. */
export function round(value: number): number {
  return Number(value.toPrecision(12));
}
