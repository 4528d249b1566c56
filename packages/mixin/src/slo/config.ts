import { RATIO_OBJECTIVES } from '@flux-metrics/core';
import type { SlothSpec } from './sloth-spec.js';

/** SLO settings: the built-in objectives of the design and any SLOs a user adds. */
export interface SloConfig {
  /** `sloth_service` of the built-in objectives; their rules go to `prometheus/rules/slo-<service>.yml`. */
  readonly service: string;
  /** The SLO period (error budget window) in days. Prometheus must keep at least this much data. */
  readonly periodDays: number;
  /** Names of built-in SLOs to leave out (e.g. `srt-handshake` on a server without SRT). */
  readonly disabled: readonly string[];
  /** Extra SLOs in Sloth's `prometheus/v1` format (docs/slo.md); each service gets its own rule file. */
  readonly specs: readonly SlothSpec[];
  /** "Restart recovery < 30 s": an alert when a scraped server stays down longer than this. */
  readonly restartRecovery: {
    readonly seconds: number;
    readonly alert: string;
  };
}

export const defaultSloConfig: SloConfig = {
  service: 'media-server',
  periodDays: 30,
  disabled: [],
  specs: [],
  restartRecovery: {
    seconds: RATIO_OBJECTIVES.restartRecoverySeconds.objective,
    alert: 'MediaServerRestartRecoverySlow',
  },
};
