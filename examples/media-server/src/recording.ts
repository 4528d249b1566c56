import { createSocket, type Socket } from 'node:dgram';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { execFile } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { once } from 'node:events';
import { fluxInstruments } from '@flux-metrics/core';
import { join } from 'node:path';
import {
  createRecorder,
  instrumentReadable,
  storageMetrics,
  type Recorder,
  type Segment,
  type StorageMetrics,
} from '@flux-metrics/storage';

export interface RecordingOptions {
  dir: string;
  /** New segment every this many ms. */
  segmentMs: number;
  /** Segments older than this are deleted by retention. */
  retentionMs: number;
  log: (line: string) => void;
}

/**
 * Records MPEG-TS datagrams arriving on a UDP port (the SRT ingest's output) into rolling segment files, takes
 * JPEG snapshots of RTSP streams with ffmpeg, and applies retention — all through @flux-metrics/storage.
 */
export class RecordingService {
  readonly #metrics: StorageMetrics;
  readonly #recorder: Recorder;
  readonly #socket: Socket;
  readonly #timers: NodeJS.Timeout[] = [];
  #segment: Segment | undefined;
  #opening: Promise<void> | undefined;
  #count = 0;
  /** Bytes handed to the current segment whose write has not finished: the recorder's buffer. */
  #pending = 0;
  readonly #stopBufferGauge: () => void;

  private readonly options: RecordingOptions;

  private constructor(options: RecordingOptions, socket: Socket) {
    this.options = options;
    this.#metrics = storageMetrics({ volume: 'recordings', diskPaths: [options.dir] });
    this.#recorder = createRecorder(this.#metrics);
    this.#socket = socket;
    this.#stopBufferGauge = fluxInstruments()
      .get('buffer_size')
      .produce((observe) => observe(this.#pending, { type: 'recorder', stream_name: 'srt-ingest' }));
  }

  static async start(options: RecordingOptions): Promise<RecordingService> {
    await mkdir(options.dir, { recursive: true });
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    const service = new RecordingService(options, socket);
    socket.on('message', (datagram) => service.#write(datagram));
    service.#timers.push(setInterval(() => void service.#roll(), options.segmentMs));
    service.#timers.push(setInterval(() => void service.#retain(), Math.max(options.segmentMs, 5_000)));
    return service;
  }

  /** Where the SRT ingest should send its media. */
  get udpTarget(): string {
    return `udp://127.0.0.1:${this.#socket.address().port}`;
  }

  /** Grabs one frame of an RTSP stream as JPEG and stores it as a snapshot. */
  snapshot(rtspUrl: string, name: string): void {
    execFile(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-rtsp_transport',
        'udp',
        '-i',
        rtspUrl,
        '-frames:v',
        '1',
        '-f',
        'mjpeg',
        'pipe:1',
      ],
      { encoding: 'buffer', timeout: 10_000, maxBuffer: 4 << 20 },
      (err, jpeg) => {
        if (err || jpeg.length === 0) return; // stream went away meanwhile: nothing to store
        const path = join(this.options.dir, `${name}-${Date.now()}.jpg`);
        this.#recorder
          .writeSnapshot(path, jpeg)
          .catch((e: Error) => this.options.log(`snapshot: ${e.message}`));
      },
    );
  }

  /** Finished recordings and snapshots, oldest first. */
  async list(): Promise<string[]> {
    const names = await readdir(this.options.dir);
    return names.filter((n) => n !== this.#segment?.path.split('/').pop()).sort();
  }

  /** A metered read stream of one recording (undefined for names that are not plain file names). */
  open(name: string): Readable | undefined {
    if (!/^[\w.-]+$/.test(name)) return undefined;
    return instrumentReadable(createReadStream(join(this.options.dir, name)), this.#metrics);
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#stopBufferGauge();
    this.#socket.close();
    await this.#opening;
    await this.#segment?.close().catch(() => undefined);
  }

  #write(datagram: Buffer): void {
    if (!this.#segment) {
      void this.#roll();
      return; // the first datagrams arrive while the file opens
    }
    this.#pending += datagram.length;
    this.#segment
      .write(datagram)
      .catch((e: Error) => this.options.log(`recording: ${e.message}`))
      .finally(() => (this.#pending -= datagram.length));
  }

  async #roll(): Promise<void> {
    if (this.#opening) return;
    this.#opening = (async () => {
      const previous = this.#segment;
      this.#segment = await this.#recorder.openSegment(join(this.options.dir, `srt-${++this.#count}.ts`));
      await previous?.close();
    })()
      .catch((e: Error) => this.options.log(`recording: ${e.message}`))
      .finally(() => (this.#opening = undefined));
    await this.#opening;
  }

  async #retain(): Promise<void> {
    await this.#recorder
      .deleteOlderThan(this.options.dir, this.options.retentionMs)
      .catch((e: Error) => this.options.log(`retention: ${e.message}`));
  }
}
