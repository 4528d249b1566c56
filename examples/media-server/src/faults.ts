import { DiskFault } from './disk-fault.ts';
import type { LossyRelay } from './lossy-relay.ts';
import { firstTrackUrl, RtspFaultClient } from './rtsp-fault-client.ts';

/** The demo's fault switch: each fault produces real failures that the alert rules should catch. */
export interface FaultState {
  /** RTSP requests the server answers with 501 (5 a second). */
  rtspErrors: boolean;
  /** Share of SRT publisher datagrams the relay drops (true = 0.1). */
  srtLoss: number;
  /** A player session on cam1 reset every second: streams stopped with reason="error". */
  errorStops: boolean;
  /** A 32 MiB recording volume filled to 96 %, with failing writes (needs root: tmpfs). */
  diskFull: boolean;
}

export const FAULT_NAMES = ['rtspErrors', 'srtLoss', 'errorStops', 'diskFull'] as const;

export interface FaultTargets {
  host: string;
  rtspPort: number;
  /** The stream error-stop sessions play. */
  stream: string;
  recordDir: string;
  relay: LossyRelay | undefined;
  log: (line: string) => void;
}

export class Faults {
  readonly #state: FaultState = { rtspErrors: false, srtLoss: 0, errorStops: false, diskFull: false };
  readonly #timers = new Map<'rtspErrors' | 'errorStops', NodeJS.Timeout>();
  #disk: DiskFault | undefined;

  private readonly targets: FaultTargets;

  constructor(targets: FaultTargets) {
    this.targets = targets;
  }

  get state(): FaultState {
    return { ...this.#state };
  }

  /** Applies a partial state; throws a clear error on unknown names or values (nothing changes then). */
  async apply(input: unknown): Promise<FaultState> {
    const next = parseFaults(input, this.#state);
    if (next.srtLoss > 0 && !this.targets.relay)
      throw new Error('srtLoss needs SRT (srt-live-transmit) and --load');
    if (next.diskFull !== this.#state.diskFull) {
      if (next.diskFull) this.#disk = await DiskFault.start(this.targets.recordDir);
      else await this.#disk?.stop();
      if (!next.diskFull) this.#disk = undefined;
    }
    this.#toggle('rtspErrors', next.rtspErrors, () => this.#rtspError(), 200);
    this.#toggle('errorStops', next.errorStops, () => this.#errorStop(), 1000);
    if (this.targets.relay) this.targets.relay.loss = next.srtLoss;
    Object.assign(this.#state, next);
    this.targets.log(`faults: ${JSON.stringify(this.#state)}`);
    return this.state;
  }

  async stop(): Promise<void> {
    await this.apply({ rtspErrors: false, srtLoss: 0, errorStops: false, diskFull: false });
  }

  #toggle(name: 'rtspErrors' | 'errorStops', on: boolean, tick: () => Promise<void>, everyMs: number): void {
    const timer = this.#timers.get(name);
    if (on && !timer)
      this.#timers.set(
        name,
        setInterval(() => void tick().catch(() => undefined), everyMs),
      );
    if (!on && timer) {
      clearInterval(timer);
      this.#timers.delete(name);
    }
  }

  /** PAUSE on a live stream: the demo server does not implement it and answers 501 Not Implemented. */
  async #rtspError(): Promise<void> {
    const client = await RtspFaultClient.connect(this.targets.host, this.targets.rtspPort);
    try {
      await client.request('PAUSE', this.#url());
    } finally {
      client.close();
    }
  }

  /** DESCRIBE, SETUP, PLAY, then a TCP reset: the server ends the session with reason="error". */
  async #errorStop(): Promise<void> {
    const client = await RtspFaultClient.connect(this.targets.host, this.targets.rtspPort);
    try {
      const url = this.#url();
      const describe = await client.request('DESCRIBE', url, { Accept: 'application/sdp' });
      if (describe.status !== 200) return; // the stream is not published yet
      const port = 40000 + Math.floor(Math.random() * 10000) * 2;
      const setup = await client.request('SETUP', firstTrackUrl(describe, url), {
        Transport: `RTP/AVP;unicast;client_port=${port}-${port + 1}`,
      });
      const session = setup.headers.get('session')?.split(';')[0];
      if (setup.status !== 200 || !session) return;
      await client.request('PLAY', url, { Session: session });
    } finally {
      client.reset();
    }
  }

  #url(): string {
    return `rtsp://${this.targets.host}:${this.targets.rtspPort}/${this.targets.stream}`;
  }
}

/** `{ rtspErrors: true, srtLoss: 0.2 }` or `"rtspErrors,srtLoss"` (flag form) merged into `base`. */
export function parseFaults(input: unknown, base: FaultState): FaultState {
  const next = { ...base };
  const entries: [string, unknown][] =
    typeof input === 'string'
      ? input
          .split(',')
          .filter(Boolean)
          .map((name) => [name.trim(), true])
      : typeof input === 'object' && input !== null && !Array.isArray(input)
        ? Object.entries(input)
        : [];
  if (entries.length === 0 && (typeof input !== 'object' || input === null))
    throw new Error(
      `faults: expected an object like {"rtspErrors": true} or a list like "rtspErrors,srtLoss"`,
    );
  for (const [name, value] of entries) {
    if (!(FAULT_NAMES as readonly string[]).includes(name))
      throw new Error(`faults: unknown fault "${name}" (known: ${FAULT_NAMES.join(', ')})`);
    if (name === 'srtLoss') {
      const loss = value === true ? 0.1 : value === false ? 0 : value;
      if (typeof loss !== 'number' || !(loss >= 0 && loss <= 0.9))
        throw new Error('faults: srtLoss must be true, false or a share from 0 to 0.9');
      next.srtLoss = loss;
    } else {
      if (typeof value !== 'boolean') throw new Error(`faults: ${name} must be true or false`);
      next[name as 'rtspErrors' | 'errorStops' | 'diskFull'] = value;
    }
  }
  return next;
}
