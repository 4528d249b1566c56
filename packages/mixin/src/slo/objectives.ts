import {
  LATENCY_OBJECTIVES,
  RATIO_OBJECTIVES,
  findMetric,
  type LatencyObjective,
  type MetricName,
} from '@flux-metrics/core';
import type { MixinConfig } from '../config.js';
import { addSums, appSeries, leMatcher, rate } from '../promql.js';
import type { SlothSlo, SlothSpec } from './sloth-spec.js';
import { round } from './windows.js';

/** Every rate in an SLI query runs over Sloth's window placeholder, filled in per SLI window. */
const W = '{{.window}}';

/**
 * The design's objectives as a Sloth spec: latency objectives from the catalog's LATENCY_OBJECTIVES (bucket
 * ratios at the threshold), event-ratio objectives from RATIO_OBJECTIVES. Disabled names are left out.
 */
export function builtInSpec(config: MixinConfig): SlothSpec {
  const unknown = config.slo.disabled.filter((name) => !allNames(config).includes(name));
  if (unknown.length) {
    throw new Error(
      `slo.disabled: no built-in SLO named ${unknown.join(', ')} (known: ${allNames(config).join(', ')})`,
    );
  }
  return {
    version: 'prometheus/v1',
    service: config.slo.service,
    slos: allSlos(config).filter((slo) => !config.slo.disabled.includes(slo.name)),
  };
}

function allNames(config: MixinConfig): string[] {
  return allSlos(config).map((slo) => slo.name);
}

function allSlos(config: MixinConfig): SlothSlo[] {
  return [...ratioSlos(config), ...LATENCY_OBJECTIVES.map((o) => latencySlo(config, o))];
}

/**
 * A latency objective as the share of events slower than the threshold: `_count - _bucket{le="T"}` over
 * `_count`. Throws when the histogram has no bucket boundary exactly at T (the ratio would be wrong silently).
 */
export function latencySlo(config: MixinConfig, objective: LatencyObjective): SlothSlo {
  const metric = findMetric(objective.metric);
  if (metric?.kind !== 'histogram') {
    throw new Error(`SLO ${objective.id}: ${objective.metric} is not a histogram of the catalog`);
  }
  if (!metric.buckets?.includes(objective.thresholdSeconds)) {
    throw new Error(
      `SLO ${objective.id}: ${objective.metric} has no bucket boundary at ${objective.thresholdSeconds} s ` +
        `(buckets: ${metric.buckets?.join(', ')}); add it so the SLI can count events under the threshold`,
    );
  }
  const extra = Object.entries(objective.selector ?? {}).map(([k, v]) => `${k}="${v}"`);
  const series = (suffix: string, more: string[] = []) =>
    appSeries(config, `${objective.metric}${suffix}`, [...extra, ...more].join(', '));
  const total = `sum(${rate(config, series('_count'), W)})`;
  const under = `sum(${rate(config, series('_bucket', [leMatcher(objective.thresholdSeconds)]), W)})`;
  return slo(objective.id, round(objective.objective * 100), objective.design, {
    events: { error_query: `${total} - ${under}`, total_query: total },
  });
}

/** `sum(rate(metric{<app selector>, extra}[window]))`. */
function sumRate(config: MixinConfig, metric: MetricName, extra = ''): string {
  return `sum(${rate(config, appSeries(config, metric, extra), W)})`;
}

/** Events SLI over catalog metrics; no error series yet counts as 0 errors, not as no traffic. */
function events(errors: readonly string[], total: readonly string[]): SlothSlo['sli'] {
  return { events: { error_query: addSums(errors), total_query: addSums(total) } };
}

function ratioSlos(config: MixinConfig): SlothSlo[] {
  const requests: MetricName[] = ['http_requests_total', 'rtsp_requests_total'];
  const percent = (objective: number) => round(objective * 100);
  return [
    slo(
      'requests-availability',
      percent(RATIO_OBJECTIVES.availability.objective),
      'Availability: HTTP and RTSP requests answered without a 5xx',
      events(
        requests.map((m) => sumRate(config, m, 'status=~"5.."')),
        requests.map((m) => sumRate(config, m)),
      ),
    ),
    slo(
      'srt-packet-loss',
      percent(RATIO_OBJECTIVES.srtPacketLoss.objective),
      'SRT: packet loss < 1 %',
      events(
        [sumRate(config, 'packets_lost_total', 'protocol="srt"')],
        [sumRate(config, 'packets_received_total', 'protocol="srt"')],
      ),
    ),
    slo(
      'data-loss',
      percent(RATIO_OBJECTIVES.dataLoss.objective),
      'Reliability: data loss < 0.01 %',
      // SRT drops are packets given up for good; RTP over UDP is never retransmitted, so its loss is final.
      events(
        [
          sumRate(config, 'srt_packets_dropped_total'),
          sumRate(config, 'packets_lost_total', 'protocol="rtsp"'),
        ],
        (['packets_sent_total', 'packets_received_total'] as const).map((m) =>
          sumRate(config, m, 'protocol=~"rtsp|srt"'),
        ),
      ),
    ),
    slo(
      'error-rate',
      percent(RATIO_OBJECTIVES.errorRate.objective),
      'Reliability: error rate < 0.1 %',
      events(
        [sumRate(config, 'errors_total')],
        ([...requests, 'stream_started_total', 'srt_connections_failed_total'] as const).map((m) =>
          sumRate(config, m),
        ),
      ),
    ),
  ];
}

function slo(name: string, objective: number, design: string, sli: SlothSlo['sli']): SlothSlo {
  return {
    name,
    objective,
    description: design,
    sli,
    alerting: { name: `${camel(name)}ErrorBudgetBurn` },
  };
}

function camel(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
