import { LATENCY_OBJECTIVES } from '@flux-metrics/core';
import type { AlertName } from '../alerts/config.js';
import type { MixinConfig } from '../config.js';

/** Grafana threshold colours: the base colour applies below the first step. */
export interface Thresholds {
  readonly base: string;
  readonly steps: readonly { readonly value: number; readonly color: string }[];
}

/** Green, then orange from `warning`, then red from `critical` (when given): higher is worse. */
export function above(warning: number, critical?: number): Thresholds {
  return {
    base: 'green',
    steps: [
      { value: warning, color: critical === undefined ? 'red' : 'orange' },
      ...(critical === undefined ? [] : [{ value: critical, color: 'red' }]),
    ],
  };
}

/** Red below `objective`, green from it: lower is worse (success ratios, budget remaining). */
export function below(objective: number): Thresholds {
  return { base: 'red', steps: [{ value: objective, color: 'green' }] };
}

/** An alert's threshold as a panel shows it: the line's value and the runbook to link. */
export interface AlertLevel {
  readonly alert: AlertName;
  readonly value: number;
}

/** The alert thresholds panels draw, read from the alerts config so a panel's line is where the alert fires. */
export function alertLevels(config: MixinConfig) {
  const t = config.alerts.thresholds;
  const level = (alert: AlertName, value: number): AlertLevel => ({ alert, value });
  return {
    cpu: level('HighCPUUsage', t.cpuUsage),
    memory: level('HighMemoryUsage', t.memoryUsage),
    disk: level('HighDiskUsage', t.diskUsage),
    latency: level('HighLatency', t.httpLatencyP99Seconds),
    errorRatio: level('HighErrorRate', t.errorRatio),
    srtLoss: level('HighSRTPacketLoss', t.srtPacketLoss),
    srtRtt: level('SrtHighRtt', t.srtRttSeconds),
    rtspServerErrors: level('RtspRequestErrors', t.rtspServerErrorRatio),
    rtspSetup: level('RtspSetupLatencyHigh', objectiveSeconds('rtsp-connection-setup')),
    scrapeDuration: level('MetricsScrapeSlow', t.scrapeDurationP99Seconds),
  } as const;
}

/** The threshold of one latency objective of the catalog, by id. */
export function objectiveSeconds(id: string): number {
  const objective = LATENCY_OBJECTIVES.find((o) => o.id === id);
  if (!objective) throw new Error(`dashboards: no latency objective "${id}" in the catalog`);
  return objective.thresholdSeconds;
}
