import { ruleConfig } from '../alerts/profile.js';
import type { MixinConfig } from '../config.js';
import type { GeneratedFile } from '../generated-file.js';
import { appSeries, rate, ratio, sumBy } from '../promql.js';
import { ruleFile } from '../rule-file.js';
import { dashboardRuleFiles } from './dashboards.js';
import { RECORDED } from './names.js';

/** Recording rule files (deploy/prometheus/rules/recording-*.yml). */
export function recordingRuleFiles(config: MixinConfig): GeneratedFile[] {
  const c = ruleConfig(config);
  const byInstance = c.instanceLabels;
  const byStream = [...byInstance, 'stream_name'];
  const perInstance = (metric: string, extra = '') => sumBy(byInstance, rate(c, appSeries(c, metric, extra)));
  const perStream = (metric: string, extra = '') => sumBy(byStream, rate(c, appSeries(c, metric, extra)));
  const http = perInstance('http_requests_total');
  const rtsp = perInstance('rtsp_requests_total');
  const srt = 'protocol="srt"';
  return [
    ruleFile('prometheus/rules/recording.yml', [
      {
        name: 'flux-metrics-recording',
        rules: [
          {
            // A process may serve only HTTP or only RTSP: `+` alone would drop it, so fall back to either side.
            record: RECORDED.requests,
            expr: `${http}\n+ on (${byInstance.join(', ')})\n${rtsp}\nor\n${http}\nor\n${rtsp}`,
          },
          {
            // A stream is either received (ingest) or sent (caller) here: loss as that side sees it.
            record: RECORDED.srtStreamLoss,
            expr: `${ratio(perStream('packets_lost_total', srt), perStream('packets_received_total', srt))}\nor\n${ratio(perStream('srt_packets_send_lost_total'), perStream('packets_sent_total', srt))}`,
          },
        ],
      },
    ]),
    ...dashboardRuleFiles(config),
  ];
}
