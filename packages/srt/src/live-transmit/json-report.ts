import type { SrtStats } from '../stats.js';
import type { SrtLiveTransmitReport } from './report.js';

type Section = 'window' | 'link' | 'send' | 'recv';

/** srt-live-transmit's JSON keys (apps/statswriter.cpp, 1.5.1) → libsrt field names. */
const JSON_FIELDS: Readonly<Record<Section, Readonly<Record<string, string>>>> = {
  window: { flow: 'pktFlowWindow', congestion: 'pktCongestionWindow', flight: 'pktFlightSize' },
  link: { rtt: 'msRTT', bandwidth: 'mbpsBandwidth', maxBandwidth: 'mbpsMaxBW' },
  send: {
    packets: 'pktSent',
    packetsUnique: 'pktSentUnique',
    packetsLost: 'pktSndLoss',
    packetsDropped: 'pktSndDrop',
    packetsRetransmitted: 'pktRetrans',
    packetsFilterExtra: 'pktSndFilterExtra',
    bytes: 'byteSent',
    bytesUnique: 'byteSentUnique',
    bytesDropped: 'byteSndDrop',
    byteAvailBuf: 'byteAvailSndBuf',
    msBuf: 'msSndBuf',
    mbitRate: 'mbpsSendRate',
    sendPeriod: 'usPktSndPeriod',
  },
  recv: {
    packets: 'pktRecv',
    packetsUnique: 'pktRecvUnique',
    packetsLost: 'pktRcvLoss',
    packetsDropped: 'pktRcvDrop',
    packetsRetransmitted: 'pktRcvRetrans',
    packetsBelated: 'pktRcvBelated',
    packetsFilterExtra: 'pktRcvFilterExtra',
    packetsFilterSupply: 'pktRcvFilterSupply',
    packetsFilterLoss: 'pktRcvFilterLoss',
    bytes: 'byteRecv',
    bytesUnique: 'byteRecvUnique',
    bytesLost: 'byteRcvLoss',
    bytesDropped: 'byteRcvDrop',
    byteAvailBuf: 'byteAvailRcvBuf',
    msBuf: 'msRcvBuf',
    mbitRate: 'mbpsRecvRate',
    msTsbPdDelay: 'msRcvTsbPdDelay',
  },
};

/** Parses one `-pf:json` line; undefined for anything that is not a statistics object. */
export function parseJsonReport(line: string): SrtLiveTransmitReport | undefined {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(data) || typeof data.sid !== 'number') return undefined;
  const stats: Record<string, number> = {};
  if (typeof data.time === 'number') stats.msTimeStamp = data.time;
  for (const [section, names] of Object.entries(JSON_FIELDS)) {
    const values = data[section];
    if (!isRecord(values)) continue;
    for (const [key, field] of Object.entries(names)) {
      const value = values[key];
      if (typeof value === 'number') stats[field] = value;
    }
  }
  return { socketId: data.sid, stats: stats as SrtStats };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
