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
  readonly alert: string;
  readonly value: number;
}

/** The alert thresholds panels draw (interim values until the alerts config lands). */
export function alertLevels(): Record<
  'cpu' | 'memory' | 'disk' | 'latency' | 'errorRatio' | 'srtLoss' | 'abnormalStops',
  AlertLevel
> {
  return {
    cpu: { alert: 'HighCPUUsage', value: 0.8 },
    memory: { alert: 'HighMemoryUsage', value: 0.9 },
    disk: { alert: 'HighDiskUsage', value: 0.85 },
    latency: { alert: 'HighLatency', value: 1 },
    errorRatio: { alert: 'HighErrorRate', value: 0.01 },
    srtLoss: { alert: 'HighSRTPacketLoss', value: 0.05 },
    abnormalStops: { alert: 'StreamAbnormalTermination', value: 5 },
  };
}
