/** SLO settings (filled in by the SLO work). */
export interface SloConfig {
  /** The SLO period in days (error budget window). */
  readonly periodDays: number;
}

export const defaultSloConfig: SloConfig = { periodDays: 30 };
