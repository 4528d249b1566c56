import { parseExposition, valueOf, type Exposition } from './exposition.ts';

/** The q-quantile from cumulative histogram buckets (as histogram_quantile does, linear within a bucket). */
export function quantile(q: number, buckets: readonly { le: number; count: number }[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / Math.max(b.count - prevCount, 1);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

/** Cumulative buckets of one histogram, summed over all its series, minus an earlier reading. */
function bucketsSince(now: Exposition, before: Exposition | undefined, name: string) {
  const read = (e: Exposition | undefined) => {
    const byLe = new Map<number, number>();
    for (const s of e?.samples ?? []) {
      if (s.name !== `${name}_bucket`) continue;
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      byLe.set(le, (byLe.get(le) ?? 0) + s.value);
    }
    return byLe;
  };
  const a = read(now);
  const b = read(before);
  return [...a].map(([le, count]) => ({ le, count: count - (b.get(le) ?? 0) }));
}

const ms = (seconds: number | undefined) =>
  seconds === undefined ? '–' : `${(seconds * 1000).toFixed(1)}ms`;

/** One compact line of what the server is doing, from two scrapes of its own /metrics. */
export function summarize(
  text: string,
  previous?: Exposition,
  intervalSeconds = 5,
): { line: string; exposition: Exposition } {
  const e = parseExposition(text);
  const delta = (name: string, match: Record<string, string> = {}) =>
    valueOf(e, name, match) - (previous ? valueOf(previous, name, match) : 0);
  const srtSent = delta('packets_sent_total', { protocol: 'srt' });
  const srtLost = delta('srt_packets_send_lost_total');
  const rtt = e.samples.filter((s) => s.name === 'srt_rtt_seconds').map((s) => s.value);
  const disk = e.samples.filter((s) => s.name === 'disk_usage_ratio').map((s) => s.value);
  const parts = [
    `conns rtsp=${valueOf(e, 'active_connections', { protocol: 'rtsp' })} srt=${valueOf(e, 'active_connections', { protocol: 'srt' })}`,
    `streams=${valueOf(e, 'active_streams')}`,
    `rtsp p99=${ms(quantile(0.99, bucketsSince(e, previous, 'rtsp_request_duration_seconds')))}`,
    `http p99=${ms(quantile(0.99, bucketsSince(e, previous, 'http_request_duration_seconds')))}`,
    `errors+${delta('errors_total')}`,
    `rx=${((delta('bytes_received_total') * 8) / 1e6 / intervalSeconds).toFixed(2)}Mbit/s`,
    `srt rtt=${rtt.length ? ms(Math.max(...rtt)) : '–'} loss=${srtSent > 0 ? ((100 * srtLost) / srtSent).toFixed(2) : '0.00'}%`,
    `disk=${disk.length ? (100 * Math.max(...disk)).toFixed(1) : '–'}%`,
    `segments=${valueOf(e, 'recording_segments_completed_total')}`,
  ];
  return { line: parts.join('  '), exposition: e };
}
