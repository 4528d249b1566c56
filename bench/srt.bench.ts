import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { catalogViews, observedSeriesProducer } from '@flux-metrics/node';
import { CsvReportParser, createSrtMetrics, parseJsonReport, type SrtStats } from '@flux-metrics/srt';
import type { BenchCase } from './case.ts';

// A reader must be attached: without one the SDK skips attribute work and the numbers mean nothing.
const ref: { provider?: MeterProvider } = {};
const exporter = new PrometheusExporter({
  preventServerStart: true,
  metricProducers: [observedSeriesProducer(() => ref.provider)],
});
const provider = new MeterProvider({ readers: [exporter], views: catalogViews() });
ref.provider = provider;
const srt = createSrtMetrics({ meterProvider: provider });

// A real srt-live-transmit 1.5.1 receiver report (3 % loss, latency 120), JSON and CSV.
const JSON_LINE =
  '{"sid":838091401,"timepoint":"2026-11-28T12:31:53.895984+0000","time":4741,"window":{"flow":8192,"congestion":8192,"flight":0},"link":{"rtt":0.137,"bandwidth":195.984,"maxBandwidth":1000},"send":{"packets":0,"packetsUnique":0,"packetsLost":0,"packetsDropped":0,"packetsRetransmitted":0,"packetsFilterExtra":0,"bytes":0,"bytesUnique":0,"bytesDropped":0,"byteAvailBuf":12288000,"msBuf":0,"mbitRate":0,"sendPeriod":12},"recv":{"packets":198,"packetsUnique":198,"packetsLost":7,"packetsDropped":0,"packetsRetransmitted":7,"packetsBelated":0,"packetsFilterExtra":0,"packetsFilterSupply":0,"packetsFilterLoss":0,"bytes":269280,"bytesUnique":269280,"bytesLost":9520,"bytesDropped":0,"byteAvailBuf":12240000,"msBuf":113,"mbitRate":3.10536,"msTsbPdDelay":120}}';
const CSV_HEADER =
  'Timepoint,Time,SocketID,Time,pktFlowWindow,pktCongestionWindow,pktFlightSize,msRTT,mbpsBandwidth,mbpsMaxBW,pktSent,pktSentUnique,pktSndLoss,pktSndDrop,pktRetrans,pktSndFilterExtra,byteSent,byteSentUnique,byteSndDrop,byteAvailSndBuf,msSndBuf,mbpsSendRate,usPktSndPeriod,pktRecv,pktRecvUnique,pktRcvLoss,pktRcvDrop,pktRcvRetrans,pktRcvBelated,pktRcvFilterExtra,pktRcvFilterSupply,pktRcvFilterLoss,byteRecv,byteRecvUnique,byteRcvLoss,byteRcvDrop,byteAvailRcvBuf,msRcvBuf,mbpsRecvRate,msRcvTsbPdDelay';
const CSV_LINE =
  '2026-11-28T13:08:05.220595+0000,1049,219518323,1049,8192,8192,0,0.059,12,1000,0,0,0,0,0,0,0,0,0,12288000,0,0,12,135,135,0,0,0,0,0,0,0,183600,183600,0,0,12235500,41,1.40017,120';
const csv = new CsvReportParser();
csv.parse(CSV_HEADER);

const report = parseJsonReport(JSON_LINE)!.stats;
const receiver = srt.open({ streamName: 'cam1', direction: 'receive' });
// A native binding's reading: running *Total fields that grow, instantaneous values.
const sender = srt.open({ streamName: 'cam2', direction: 'send' });
let sent = 0;
const bindingStats = (): SrtStats => {
  sent += 300;
  return {
    pktSentTotal: sent,
    byteSentTotal: sent * 1360,
    pktRetransTotal: sent >> 6,
    msRTT: 12.5,
    pktFlightSize: 9,
  };
};

export const cases: BenchCase[] = [
  {
    group: 'per statistics report',
    name: 'update (srt-live-transmit report, cleared)',
    op: () => receiver.update(report, { cleared: true }),
  },
  {
    group: 'per statistics report',
    name: 'update (binding *Total object)',
    op: () => sender.update(bindingStats()),
  },
  { group: 'per statistics report', name: 'parse JSON line', op: () => void parseJsonReport(JSON_LINE) },
  { group: 'per statistics report', name: 'parse CSV line', op: () => void csv.parse(CSV_LINE) },
  {
    group: 'per connection',
    name: 'open + report + close',
    op: () => {
      const c = srt.open({ streamName: 'cam3', direction: 'receive' });
      c.update(report, { cleared: true });
      c.close('teardown');
    },
  },
];
