import { parseArgs } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DemoOptions {
  host: string;
  metricsPort: number;
  rtspPort: number;
  apiPort: number;
  srtPort: number;
  recordDir: string;
  load: boolean;
  summary: boolean;
  /** Faults switched on at start (`--faults rtspErrors,srtLoss`); see faults.ts. */
  faults: string;
  /** Stop by itself after this many seconds (0 = run until Ctrl-C). */
  durationSeconds: number;
}

const HELP = `flux-metrics demo media server

  npm run demo [-- options]

  --host <addr>          interface for RTSP, SRT, the API and /metrics (default 127.0.0.1, env FLUX_METRICS_HOST)
  --metrics-port <n>     Prometheus endpoint (default 9464)
  --rtsp-port <n>        RTSP server (default 8554)
  --api-port <n>         HTTP API: /healthz, /streams, /streams/<name> (default 8080)
  --srt-port <n>         SRT ingest listener (default 8890)
  --record-dir <dir>     where segments and snapshots go (default: a new temporary directory)
  --no-load              no built-in load generator
  --no-summary           no live summary line
  --faults <list>        switch faults on at start: rtspErrors,srtLoss,errorStops,diskFull
                         (also at runtime: POST /faults on the API port; docs/demo.md)
  --duration <s>         stop after this many seconds
  --help`;

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`--${name} must be a port number, got ${value}`);
  return n;
}

export function parseOptions(argv: string[]): DemoOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      'metrics-port': { type: 'string' },
      'rtsp-port': { type: 'string' },
      'api-port': { type: 'string' },
      'srt-port': { type: 'string' },
      'record-dir': { type: 'string' },
      'no-load': { type: 'boolean' },
      'no-summary': { type: 'boolean' },
      duration: { type: 'string' },
      faults: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  const duration = Number(values.duration ?? 0);
  if (!Number.isFinite(duration) || duration < 0)
    throw new Error(`--duration must be seconds, got ${values.duration}`);
  return {
    host: values.host ?? process.env.FLUX_METRICS_HOST ?? '127.0.0.1',
    metricsPort: port(values['metrics-port'], 9464, 'metrics-port'),
    rtspPort: port(values['rtsp-port'], 8554, 'rtsp-port'),
    apiPort: port(values['api-port'], 8080, 'api-port'),
    srtPort: port(values['srt-port'], 8890, 'srt-port'),
    recordDir: values['record-dir'] ?? join(tmpdir(), `flux-demo-${process.pid}`),
    load: !values['no-load'],
    summary: !values['no-summary'],
    faults: values.faults ?? '',
    durationSeconds: duration,
  };
}
