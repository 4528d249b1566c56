import { LATENCY_OBJECTIVES } from '@flux-metrics/core';
import type { MixinConfig } from '../config.js';
import { appSeries, histogramQuantile, increase, rate, ratio, sumBy } from '../promql.js';
import type { AlertingRule } from '../rule-file.js';
import { alertRule, SAME_INSTANCE, worstOf } from './alert.js';
import { pct } from './design.js';

const WHERE = 'on {{ $labels.instance }} (job {{ $labels.job }})';
/** SRT rejections for a wrong or missing passphrase: a caller's configuration, not a failing server. */
const AUTH_REJECTS = 'badsecret|unsecure|crypto';

/** The alerts a media operator needs beyond the design: SRT, RTSP, stream starts, recording storage. */
export function mediaAlerts(c: MixinConfig): AlertingRule[] {
  const t = c.alerts.thresholds;
  const by = c.instanceLabels;
  const perInstance = (expr: string) => sumBy(by, expr);
  const rtspSetup = LATENCY_OBJECTIVES.find((o) => o.id === 'rtsp-connection-setup');
  const fillHorizon = t.diskFillHorizonHours * 3600;
  return [
    alertRule(c, {
      name: 'SrtPacketsDropped',
      severity: 'warning',
      expr: `${perInstance(increase(c, appSeries(c, 'srt_packets_dropped_total')))} > ${t.srtDroppedPackets}`,
      summary: 'SRT packets are dropped as too late.',
      description:
        `{{ $value | humanize }} SRT packets were given up as too late in the last ${c.rateInterval} ${WHERE} (viewers see these); ` +
        `worst streams: ${worstOf(c, `sum by (stream_name) (increase(srt_packets_dropped_total{${SAME_INSTANCE}}[${c.rateInterval}]))`, 'stream_name', 'humanize')}.`,
    }),
    alertRule(c, {
      name: 'SrtHighRtt',
      severity: 'warning',
      expr: `max by (${by.join(', ')}) (${appSeries(c, 'srt_rtt_seconds')}) > ${t.srtRttSeconds}`,
      summary: 'SRT round-trip time is high.',
      description:
        `The highest SRT round-trip time ${WHERE} is {{ $value | humanizeDuration }}, above ${t.srtRttSeconds}s; ` +
        `worst streams: ${worstOf(c, `srt_rtt_seconds{${SAME_INSTANCE}}`, 'stream_name', 'humanizeDuration')}.`,
    }),
    alertRule(c, {
      name: 'RtspRequestErrors',
      severity: 'warning',
      expr: `${ratio(perInstance(rate(c, appSeries(c, 'rtsp_requests_total', 'status=~"5.."'))), perInstance(rate(c, appSeries(c, 'rtsp_requests_total'))))}\n> ${t.rtspServerErrorRatio}`,
      summary: 'RTSP requests fail with server errors.',
      description:
        `{{ $value | humanizePercentage }} of RTSP requests ${WHERE} are answered with a 5xx status, above ${pct(t.rtspServerErrorRatio)}; ` +
        `by method: ${worstOf(c, `sum by (method) (rate(rtsp_requests_total{status=~"5..", ${SAME_INSTANCE}}[${c.rateInterval}]))`, 'method', 'humanize')}/s.`,
    }),
    alertRule(c, {
      name: 'RtspSetupLatencyHigh',
      severity: 'warning',
      expr: `${histogramQuantile(c, 0.99, 'connection_setup_duration_seconds', by, 'protocol="rtsp"')} > ${rtspSetup?.thresholdSeconds ?? 0.1}`,
      summary: 'RTSP session setup is slow.',
      description: `P99 RTSP connection setup takes {{ $value | humanizeDuration }} ${WHERE}, above the ${rtspSetup?.thresholdSeconds ?? 0.1}s objective.`,
    }),
    alertRule(c, {
      name: 'StreamStartFailures',
      severity: 'warning',
      expr: `${perInstance(increase(c, appSeries(c, 'srt_connections_failed_total', `reason!~"${AUTH_REJECTS}"`)))} > ${t.streamStartFailures}`,
      summary: 'SRT streams fail to start.',
      description:
        `{{ $value | humanize }} SRT connection attempts failed in the last ${c.rateInterval} ${WHERE} (passphrase rejections not counted); ` +
        `by reason: ${worstOf(c, `sum by (reason) (increase(srt_connections_failed_total{reason!~"${AUTH_REJECTS}", ${SAME_INSTANCE}}[${c.rateInterval}]))`, 'reason', 'humanize')}.`,
    }),
    alertRule(c, {
      name: 'RecordingWriteErrors',
      severity: 'critical',
      expr: `${perInstance(increase(c, appSeries(c, 'errors_total', 'component="storage"')))} > 0`,
      summary: 'Recording storage operations fail.',
      description:
        `{{ $value | humanize }} storage operations failed in the last ${c.rateInterval} ${WHERE}: recordings are being lost; ` +
        `by error: ${worstOf(c, `sum by (type) (increase(errors_total{component="storage", ${SAME_INSTANCE}}[${c.rateInterval}]))`, 'type', 'humanize')}.`,
    }),
    alertRule(c, {
      name: 'RecordingVolumeFillingUp',
      severity: 'warning',
      expr: `predict_linear(${appSeries(c, 'disk_free_bytes')}[${t.diskFillLookbackHours}h], ${fillHorizon}) < 0\nand on (${[...by, 'path'].join(', ')})\n${appSeries(c, 'disk_usage_ratio')} > ${t.diskFillMinUsage}`,
      summary: 'A watched filesystem will be full within a day.',
      description: `At the rate of the last ${t.diskFillLookbackHours}h, the filesystem holding {{ $labels.path }} ${WHERE} fills up within ${t.diskFillHorizonHours}h.`,
    }),
    alertRule(c, {
      name: 'DiskPathStalled',
      severity: 'warning',
      expr: `max by (${[...by, 'path'].join(', ')}) (${appSeries(c, 'disk_path_stalled')}) == 1`,
      summary: 'A watched filesystem does not answer.',
      description: `statfs on {{ $labels.path }} ${WHERE} has not answered for longer than the stat timeout: the mount (NFS, a failing disk) hangs, recordings there stall and its usage is unknown.`,
    }),
  ];
}
