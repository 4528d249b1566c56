/**
 * CPU cost of full instrumentation on a synthetic media workload: 1,000 streams, 100,000 packets/s paced by
 * the clock, one RTSP session per stream (packets and bytes per packet, RTCP every 5 s per stream), and,
 * when instrumented, /metrics scraped over HTTP every 15 s by a separate process (the scraper's CPU is not
 * ours). The same loop runs without instrumentation; the difference in process CPU time is the overhead.
 * Usage: npm run build && node bench/workload.ts [instrumented|plain] [seconds] [--json]
 */
import { spawn } from 'node:child_process';
import { register } from '@flux-metrics/node';
import { createRtspMetrics, type RtspSessionObserver } from '@flux-metrics/rtsp';

const mode = process.argv[2] ?? 'instrumented';
const seconds = Number(process.argv[3] ?? 30);
const json = process.argv.includes('--json');
const STREAMS = 1000;
const PACKETS_PER_SECOND = 100_000;
const PACKET = 1316;
const instrumented = mode === 'instrumented';

let sessions: RtspSessionObserver[] = [];
let scraper: ReturnType<typeof spawn> | undefined;
if (instrumented) {
  const registration = register({ exporters: ['prometheus'], prometheus: { port: 0 }, flushOnExit: false });
  const address = await registration.ready;
  const rtsp = createRtspMetrics({ meterProvider: registration.meterProvider });
  sessions = Array.from({ length: STREAMS }, (_, i) => {
    const session = rtsp.connectionOpened().session({ streamName: `stream-${i}` });
    session.start('play');
    return session;
  });
  // Warm-up scrape outside the measured window: JIT, and each series' label text prepared once per life.
  await (await fetch(`http://127.0.0.1:${address!.port}/metrics`)).text();
  scraper = spawn(
    process.execPath,
    [
      '-e',
      `const get = () => require('node:http').get('http://127.0.0.1:${address!.port}/metrics', (r) => r.resume());
       get(); setInterval(get, 15000);`,
    ],
    { stdio: 'ignore' },
  );
}

// A receiver report per stream every 5 s: loss, jitter and RTT go through the bound histograms and gauges.
const receiverReport = Buffer.from('81c90007000004570000045a1000000300000200000023280000000000000000', 'hex');
const payload = Buffer.alloc(PACKET, 0x80);
let checksum = 0;
let sent = 0;
let next = 0;
const started = performance.now();
const cpuStart = process.cpuUsage();
await new Promise<void>((resolve) => {
  const tick = () => {
    const elapsed = performance.now() - started;
    const due = Math.floor((elapsed * PACKETS_PER_SECOND) / 1000);
    for (; sent < due; sent++) {
      checksum = (checksum + payload[sent & 1023]!) | 0; // the media work stand-in
      const stream = next++ % STREAMS;
      if (instrumented) {
        const session = sessions[stream]!;
        session.rtpSent(PACKET);
        if (sent % (PACKETS_PER_SECOND * 5) < STREAMS) session.rtcpReceived(receiverReport);
      }
    }
    if (elapsed >= seconds * 1000) resolve();
    else setTimeout(tick, 1);
  };
  tick();
});
const cpu = process.cpuUsage(cpuStart);
const wall = (performance.now() - started) / 1000;
scraper?.kill();
const corePercent = ((cpu.user + cpu.system) / 1e6 / wall) * 100;
const result = { mode, seconds: wall, packets: sent, corePercent, checksum };
if (json) console.log(JSON.stringify(result));
else console.log(`${mode}: ${sent} packets in ${wall.toFixed(1)} s, ${corePercent.toFixed(2)}% of a core`);
process.exit(0);
