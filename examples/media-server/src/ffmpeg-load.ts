import { spawn, type ChildProcess } from 'node:child_process';

/** Options of the built-in RTSP load: who publishes, how often players come and go, which errors to cause. */
export interface RtspLoadOptions {
  rtspUrl: string; // rtsp://127.0.0.1:8554
  /** Streams published for the whole run. */
  steadyStreams: readonly string[];
  /** A new short-lived stream name every this many ms (churn), 0 = none. */
  churnEveryMs: number;
  log: (line: string) => void;
}

/**
 * ffmpeg arguments for a live H.264 test source (25 fps, a key frame a second) sent to `output`. Noise keeps
 * it near 2 Mbit/s like a real camera: ffmpeg players send RTCP receiver reports in proportion to the bytes
 * they receive, so a thin test pattern would leave loss, jitter and RTT unreported for many seconds.
 */
export function testSourceArgs(output: readonly string[], seconds?: number): string[] {
  const source = 'testsrc2=size=320x240:rate=25,noise=alls=20:allf=t';
  return [
    ...['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', source],
    ...(seconds ? ['-t', String(seconds)] : []),
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-b:v', '2M'],
    ...output,
  ];
}

const PUBLISH_ARGS = (url: string, seconds?: number) =>
  testSourceArgs(['-f', 'rtsp', '-rtsp_transport', 'udp', url], seconds);

const PLAY_ARGS = (url: string, seconds: number, transport = 'udp') => [
  '-hide_banner',
  '-loglevel',
  'error',
  '-rtsp_transport',
  transport,
  '-i',
  url,
  '-t',
  String(seconds),
  '-f',
  'null',
  '-',
];

/**
 * Real ffmpeg publishers and players against the demo's RTSP server: steady streams, players that connect,
 * play and tear down, churned stream names, and the two classic errors (unknown path → 404, TCP transport
 * refused → 461). Every child is killed by `stop()`.
 */
export class RtspLoad {
  readonly #children = new Set<ChildProcess>();
  readonly #timers: NodeJS.Timeout[] = [];
  #stopped = false;
  #churn = 0;

  private readonly options: RtspLoadOptions;

  constructor(options: RtspLoadOptions) {
    this.options = options;
  }

  start(): void {
    const { rtspUrl, steadyStreams, churnEveryMs } = this.options;
    for (const name of steadyStreams) this.#keepPublishing(name);
    // Players: every 2 s one player on a steady stream for 5–11 s.
    this.#every(2_000, () => {
      const name = steadyStreams[Math.floor(Math.random() * steadyStreams.length)]!;
      this.#run('player', PLAY_ARGS(`${rtspUrl}/${name}`, 5 + Math.floor(Math.random() * 7)));
    });
    // Errors a real deployment sees: a wrong stream name and a player that insists on TCP.
    this.#every(7_000, () => this.#run('player-404', PLAY_ARGS(`${rtspUrl}/no-such-stream`, 2)));
    this.#every(11_000, () => this.#run('player-461', PLAY_ARGS(`${rtspUrl}/${steadyStreams[0]}`, 2, 'tcp')));
    if (churnEveryMs > 0) {
      this.#every(churnEveryMs, () => {
        const name = `churn-${++this.#churn}`;
        this.#run('publisher', PUBLISH_ARGS(`${rtspUrl}/${name}`, 6));
        setTimeout(() => this.#run('player', PLAY_ARGS(`${rtspUrl}/${name}`, 3)), 1_500).unref();
      });
    }
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    for (const child of this.#children) child.kill('SIGKILL');
  }

  #every(ms: number, fn: () => void): void {
    this.#timers.push(setInterval(() => !this.#stopped && fn(), ms));
  }

  #keepPublishing(name: string): void {
    const child = this.#run('publisher', PUBLISH_ARGS(`${this.options.rtspUrl}/${name}`));
    // A publisher that dies (server restart, error) is restarted after a pause.
    child.once('exit', () => {
      if (!this.#stopped) setTimeout(() => !this.#stopped && this.#keepPublishing(name), 1_000).unref();
    });
  }

  #run(role: string, args: string[]): ChildProcess {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#children.add(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)));
    child.once('error', (err) => this.options.log(`ffmpeg ${role}: ${err.message}`));
    child.once('exit', () => this.#children.delete(child));
    return child;
  }
}
