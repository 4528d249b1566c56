import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import {
  SrtLiveTransmitNotFoundError,
  startSrtCaller,
  startSrtListener,
  type SrtLiveTransmitProcess,
} from '@flux-metrics/srt';
import { testSourceArgs } from './ffmpeg-load.ts';
import { LossyRelay } from './lossy-relay.ts';

export interface SrtDemoOptions {
  host: string;
  port: number;
  /** Where the ingest forwards received media (the recorder's UDP socket). */
  output: string;
  /** Also publish into the ingest, and now and then try a wrong passphrase. */
  load: boolean;
  log: (line: string) => void;
}

/** A free UDP-usable port number (taken from a TCP probe; good enough on loopback for a demo). */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => probe.once('listening', r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

/**
 * SRT in the demo: an srt-live-transmit listener as the ingest (restarted when its publisher leaves), and
 * with load on, ffmpeg → UDP → srt-live-transmit caller publishing into it, plus a caller with a wrong
 * passphrase every 15 s so that rejected connections are counted. Returns undefined when srt-tools is missing.
 */
export class SrtDemo {
  readonly #processes = new Set<SrtLiveTransmitProcess>();
  readonly #children = new Set<ChildProcess>();
  readonly #timers: NodeJS.Timeout[] = [];
  #stopped = false;
  /** The "network" between the publisher and the ingest; the fault switch sets its loss. */
  relay: LossyRelay | undefined;

  private readonly options: SrtDemoOptions;

  private constructor(options: SrtDemoOptions) {
    this.options = options;
  }

  static async start(options: SrtDemoOptions): Promise<SrtDemo | undefined> {
    const demo = new SrtDemo(options);
    try {
      await demo.#ingest();
    } catch (error) {
      if (error instanceof SrtLiveTransmitNotFoundError) {
        options.log(`SRT disabled: srt-live-transmit is not installed (Debian: apt-get install srt-tools).`);
        return undefined;
      }
      throw error;
    }
    if (options.load) {
      await demo.#publish();
      demo.#timers.push(setInterval(() => void demo.#badPassphrase(), 15_000));
    }
    return demo;
  }

  get url(): string {
    return `srt://${this.options.host}:${this.options.port}`;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    for (const c of this.#children) c.kill('SIGKILL');
    this.relay?.close();
    await Promise.all([...this.#processes].map((p) => p.stop(1000)));
  }

  /** Keeps one srt-live-transmit process running while the demo runs. */
  async #keep(start: () => Promise<SrtLiveTransmitProcess>): Promise<void> {
    const p = await start();
    this.#processes.add(p);
    void p.exited.then(() => {
      this.#processes.delete(p);
      if (!this.#stopped)
        setTimeout(() => !this.#stopped && void this.#keep(start).catch(() => {}), 1000).unref();
    });
  }

  #ingest(): Promise<void> {
    const { host, port, output } = this.options;
    return this.#keep(() =>
      startSrtListener({
        listen: { host, port, latencyMs: 120 },
        output,
        streamName: 'srt-ingest',
        statsEveryPackets: 200,
      }),
    );
  }

  async #publish(): Promise<void> {
    const udp = await freePort();
    const relay = await LossyRelay.start({ host: this.options.host, port: this.options.port });
    this.relay = relay;
    await this.#keep(() =>
      startSrtCaller({
        input: `udp://127.0.0.1:${udp}`,
        target: { host: '127.0.0.1', port: relay.port, latencyMs: 120 },
        streamName: 'srt-camera',
        statsEveryPackets: 200,
      }),
    );
    const ffmpeg = spawn('ffmpeg', testSourceArgs(['-f', 'mpegts', `udp://127.0.0.1:${udp}?pkt_size=1316`]), {
      stdio: 'ignore',
    });
    ffmpeg.once('error', (e) => this.options.log(`ffmpeg (SRT source): ${e.message}`));
    this.#children.add(ffmpeg);
  }

  /** A caller whose passphrase the ingest does not expect: libsrt rejects it, the metrics count why. */
  async #badPassphrase(): Promise<void> {
    if (this.#stopped) return;
    const udp = await freePort();
    const caller = await startSrtCaller({
      input: `udp://127.0.0.1:${udp}`,
      target: { host: this.options.host, port: this.options.port, passphrase: 'wrong-passphrase-1' },
      streamName: 'srt-intruder',
    }).catch(() => undefined);
    if (caller) setTimeout(() => void caller.stop(500), 4_000).unref();
  }
}
