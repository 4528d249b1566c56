import { LATENCY_OBJECTIVES } from '@flux-metrics/core';
import type { MixinConfig } from '../config.js';
import { appSeries, histogramQuantile, increase, rate, ratio, sumBy } from '../promql.js';
import { RECORDED } from '../rules/names.js';
import { alertRule, SAME_INSTANCE, worstOf } from './alert.js';
import type { AlertingRule } from '../rule-file.js';

const WHERE = 'on {{ $labels.instance }} (job {{ $labels.job }})';

/** The design document's nine alerts, same names, with the defects of the design's PromQL fixed. */
export function designAlerts(c: MixinConfig): AlertingRule[] {
  const t = c.alerts.thresholds;
  const by = c.instanceLabels;
  const httpLatency = LATENCY_OBJECTIVES.find((o) => o.metric === 'http_request_duration_seconds');
  const errorStopsPerStream = sumBy(
    [...by, 'stream_name'],
    increase(c, appSeries(c, 'stream_stopped_total', `reason="error", protocol=%q, ${SAME_INSTANCE}`)),
  );
  return [
    alertRule(c, {
      name: 'HighCPUUsage',
      severity: 'warning',
      expr: `max by (${by.join(', ')}) (${appSeries(c, 'cpu_usage_ratio')}) > ${t.cpuUsage}`,
      summary: 'Host CPU usage is high.',
      description: `CPU usage is {{ $value | humanizePercentage }} ${WHERE}, above ${pct(t.cpuUsage)}.`,
    }),
    alertRule(c, {
      name: 'HighMemoryUsage',
      severity: 'warning',
      // memory_usage_bytes types overlap (used, rss, heap…): compare the host's `used` with its total.
      expr: `${ratio(`max by (${by.join(', ')}) (${appSeries(c, 'memory_usage_bytes', 'type="used"')})`, `max by (${by.join(', ')}) (${appSeries(c, 'memory_total_bytes')})`)}\n> ${t.memoryUsage}`,
      summary: 'Host memory usage is high.',
      description: `Memory usage is {{ $value | humanizePercentage }} ${WHERE}, above ${pct(t.memoryUsage)}.`,
    }),
    alertRule(c, {
      name: 'HighDiskUsage',
      severity: 'warning',
      expr: `max by (${[...by, 'path'].join(', ')}) (${appSeries(c, 'disk_usage_ratio')}) > ${t.diskUsage}`,
      summary: 'A watched filesystem is nearly full.',
      description: `The filesystem holding {{ $labels.path }} is {{ $value | humanizePercentage }} full ${WHERE}, above ${pct(t.diskUsage)}.`,
    }),
    alertRule(c, {
      name: 'HighErrorRate',
      severity: 'warning',
      expr: `${ratio(sumBy(by, rate(c, appSeries(c, 'errors_total'))), `${RECORDED.requests}{${c.selectors.app}}`)}\n> ${t.errorRatio}`,
      summary: 'Many errors per request.',
      description:
        `{{ $value | humanizePercentage }} errors per HTTP/RTSP request ${WHERE}, above ${pct(t.errorRatio)}; ` +
        `by component: ${worstOf(c, `sum by (component) (rate(errors_total{${SAME_INSTANCE}}[${c.rateInterval}]))`, 'component', 'humanize')}/s.`,
    }),
    alertRule(c, {
      name: 'HighLatency',
      severity: 'warning',
      expr: `${histogramQuantile(c, 0.99, 'http_request_duration_seconds', by)} > ${httpLatency?.thresholdSeconds ?? t.httpLatencyP99Seconds}`,
      summary: 'HTTP requests are slow.',
      description: `P99 HTTP request latency is {{ $value | humanizeDuration }} ${WHERE}, above ${httpLatency?.thresholdSeconds ?? t.httpLatencyP99Seconds}s.`,
    }),
    alertRule(c, {
      name: 'ServiceDown',
      severity: 'critical',
      // `up` covers scraped processes; a process pushing through the Collector has no `up`, but its target_info
      // disappears from every path when it stops (the Collector expires it): present an hour ago, gone now.
      expr: `${appSeries(c, 'up')} == 0\nor\n(max by (${by.join(', ')}) (present_over_time(${appSeries(c, 'target_info')}[1h])) unless max by (${by.join(', ')}) (${appSeries(c, 'target_info')}))`,
      summary: 'A media server process is down.',
      description: `{{ $labels.instance }} (job {{ $labels.job }}) cannot be scraped or stopped reporting through the Collector.`,
    }),
    alertRule(c, {
      name: 'HighSRTPacketLoss',
      severity: 'warning',
      expr: `max by (${by.join(', ')}) (${RECORDED.srtStreamLoss}{${c.selectors.app}}) > ${t.srtPacketLoss}`,
      summary: 'SRT streams are losing packets.',
      description:
        `The worst SRT stream ${WHERE} loses {{ $value | humanizePercentage }} of its packets (before retransmission), above ${pct(t.srtPacketLoss)}; ` +
        `worst streams: ${worstOf(c, `${RECORDED.srtStreamLoss}{${SAME_INSTANCE}}`, 'stream_name', 'humanizePercentage')}.`,
    }),
    alertRule(c, {
      name: 'ConnectionSpike',
      severity: 'warning',
      // Net growth from counters (opened − closed); a process that closed none yet has no closed series.
      expr: `(\n${sumBy([...by, 'protocol'], increase(c, appSeries(c, 'connections_opened_total')))}\n- on (${[...by, 'protocol'].join(', ')}) (${sumBy([...by, 'protocol'], increase(c, appSeries(c, 'connections_closed_total')))} or ${sumBy([...by, 'protocol'], increase(c, appSeries(c, 'connections_opened_total')))} * 0)\n) > ${t.connectionGrowth}`,
      summary: 'Open connections grew sharply.',
      description: `{{ $value | humanize }} more {{ $labels.protocol }} connections open ${WHERE} than ${c.rateInterval} ago (threshold ${t.connectionGrowth}).`,
    }),
    alertRule(c, {
      name: 'StreamAbnormalTermination',
      severity: 'warning',
      expr: `${sumBy([...by, 'protocol'], increase(c, appSeries(c, 'stream_stopped_total', 'reason="error"')))} > ${t.errorStops}`,
      summary: 'Streams are ending with errors.',
      description:
        `{{ $value | humanize }} {{ $labels.protocol }} streams stopped with an error in the last ${c.rateInterval} ${WHERE} (threshold ${t.errorStops}); ` +
        `most affected: {{ range $i, $s := query (printf ${JSON.stringify(`topk(${c.alerts.worstShown}, ${errorStopsPerStream})`)} $labels.protocol $labels.job $labels.instance) }}{{ if $i }}, {{ end }}{{ $s.Labels.stream_name }} ×{{ $s.Value | humanize }}{{ end }}.`,
    }),
  ];
}

/** 0.85 → "85%", for static text. */
export function pct(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
