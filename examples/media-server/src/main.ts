/**
 * The flux-metrics demo: a media server that uses every helper — RTSP relay, SRT ingest, recorder, HTTP
 * API — under a built-in load, with metrics at http://127.0.0.1:9464/metrics. `npm run demo -- --help`.
 */
import { rm } from 'node:fs/promises';
import { register } from '@flux-metrics/node';
import { startRtspServer } from '@flux-metrics/example-rtsp-server';
import { startApi } from './api.ts';
import { RtspLoad } from './ffmpeg-load.ts';
import { parseOptions } from './options.ts';
import { RecordingService } from './recording.ts';
import { SrtDemo } from './srt-load.ts';
import { summarize } from './summary.ts';
import { ApiLoad } from './api-load.ts';
import { Faults } from './faults.ts';

const log = (line: string) => console.log(`[demo] ${line}`);

const options = parseOptions(process.argv.slice(2));
if (!options) process.exit(0);
const { host } = options;

const registration = register({
  // OTEL_SERVICE_NAME wins, as for any app: on the OTLP path it becomes the job label (docs/scaling.md).
  serviceName: process.env.OTEL_SERVICE_NAME || 'flux-demo-media-server',
  prometheus: { host, port: options.metricsPort },
});
const metricsAddress = await registration.ready;
if (!metricsAddress)
  throw new Error(`the metrics endpoint could not listen on ${host}:${options.metricsPort}`);
const metricsUrl = `http://${host}:${metricsAddress.port}/metrics`;

const rtsp = await startRtspServer({ host, port: options.rtspPort });
const recording = await RecordingService.start({
  dir: options.recordDir,
  segmentMs: 5_000,
  retentionMs: 12_000,
  log,
});
const srt = await SrtDemo.start({
  host,
  port: options.srtPort,
  output: recording.udpTarget,
  load: options.load,
  log,
});
const faults = new Faults({
  host,
  rtspPort: rtsp.port,
  stream: 'cam1',
  recordDir: options.recordDir,
  relay: srt?.relay,
  log,
});
if (options.faults) await faults.apply(options.faults);
const api = await startApi(host, options.apiPort, {
  streams: () => [
    ...rtsp
      .streams()
      .map((s) => ({ name: s.name, protocol: 'rtsp' as const, url: s.url, players: s.players })),
    ...(srt ? [{ name: 'srt-ingest', protocol: 'srt' as const, url: srt.url }] : []),
  ],
  recordings: () => recording.list(),
  openRecording: (name) => recording.open(name),
  faults,
});
const apiUrl = `http://${host}:${options.apiPort}`;

const rtspLoad = options.load
  ? new RtspLoad({
      rtspUrl: `rtsp://${host}:${rtsp.port}`,
      steadyStreams: ['cam1', 'cam2'],
      churnEveryMs: 9_000,
      log,
    })
  : undefined;
rtspLoad?.start();
const apiLoad = options.load ? new ApiLoad(apiUrl) : undefined;
apiLoad?.start();
const snapshots = options.load
  ? setInterval(() => recording.snapshot(rtsp.url('cam1'), 'cam1'), 7_000)
  : undefined;

console.log(`
flux-metrics demo media server
  metrics     ${metricsUrl}
  RTSP        ${rtsp.url('<name>')}   (play: ffplay -rtsp_transport udp ${rtsp.url('cam1')})
  SRT ingest  ${srt ? srt.url : 'off: srt-live-transmit is not installed (apt-get install srt-tools)'}
  HTTP API    ${apiUrl}/streams
  faults      curl -X POST ${apiUrl}/faults -d '{"rtspErrors":true}'   (GET shows them; docs/demo.md)
  recordings  ${options.recordDir}
  load        ${options.load ? 'on (ffmpeg publishers and players, SRT publisher, API clients)' : 'off'}
  Prometheus  npm run stack   (in another terminal; scrapes 127.0.0.1:9464)
Ctrl-C stops.
`);

let previous: ReturnType<typeof summarize>['exposition'] | undefined;
const summary = options.summary
  ? setInterval(async () => {
      try {
        const text = await (await fetch(metricsUrl)).text();
        const result = summarize(text, previous);
        previous = result.exposition;
        console.log(`${new Date().toISOString().slice(11, 19)}  ${result.line}`);
      } catch (error) {
        log(`summary: ${(error as Error).message}`);
      }
    }, 5_000)
  : undefined;

let stopping = false;
async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`stopping (${reason})`);
  clearInterval(summary);
  clearInterval(snapshots);
  await faults.stop().catch((e: Error) => log(`faults: ${e.message}`));
  rtspLoad?.stop();
  apiLoad?.stop();
  await srt?.stop();
  await recording.stop();
  await rtsp.close();
  api.closeAllConnections();
  api.close();
  await registration.shutdown();
  // A directory the user named is theirs, however they wrote the option.
  if (options!.recordDirIsTemporary) await rm(options!.recordDir, { recursive: true, force: true });
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
if (options.durationSeconds > 0)
  setTimeout(() => void stop('duration reached'), options.durationSeconds * 1000);
