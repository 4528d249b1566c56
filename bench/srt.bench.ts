import { CsvReportParser, createSrtMetrics, parseJsonReport, type SrtStats } from '@flux-metrics/srt';
import { createHarness } from '../test/support/harness.ts';
import { CSV_HEADER, CSV_LINE, RECEIVER_JSON as JSON_LINE } from '../test/srt/fixtures.ts';
import type { BenchCase } from './case.ts';

// A real provider with a reader attached: without one the SDK skips attribute work.
const srt = createSrtMetrics({ meterProvider: createHarness().provider });

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
