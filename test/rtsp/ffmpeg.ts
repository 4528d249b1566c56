import { spawn, type ChildProcess } from 'node:child_process';

/** A finished ffmpeg run: exit code and what it printed. */
export interface FfmpegResult {
  readonly code: number | null;
  readonly stderr: string;
}

/** A running ffmpeg child, killed by `stop()` or after its time limit so a test can never hang on it. */
export interface FfmpegProcess {
  readonly child: ChildProcess;
  readonly done: Promise<FfmpegResult>;
  stop(): void;
}

const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));

export function ffmpeg(args: readonly string[], timeLimitMs = 30_000, logLevel = 'warning'): FfmpegProcess {
  const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', logLevel, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeLimitMs);
  const done = new Promise<FfmpegResult>((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stderr });
    });
    child.once('error', (error) => resolve({ code: -1, stderr: String(error) }));
  });
  return { child, done, stop: () => child.kill('SIGINT') };
}

/**
 * A test source published with ffmpeg's RTSP muxer (ANNOUNCE/SETUP/RECORD) at about 2 Mbit/s, so that
 * players send receiver reports about once a second. Logs at info level for the final `video:NkB` size.
 */
export function publish(url: string, seconds: number, transport: 'udp' | 'tcp' = 'udp'): FfmpegProcess {
  const source = `-re -f lavfi -i testsrc2=size=640x360:rate=25,noise=alls=20:allf=t -t ${seconds}`;
  const encode = '-c:v libx264 -preset ultrafast -tune zerolatency -g 25 -b:v 2M';
  const args = `${source} ${encode} -f rtsp -rtsp_transport ${transport}`.split(' ');
  return ffmpeg([...args, url], (seconds + 20) * 1000, 'info');
}

/** The encoded video bytes ffmpeg says it sent (`video:1234kB` in its final statistics, 1 kB = 1024 B). */
export function videoBytes(stderr: string): number {
  const match = /video:(\d+)kB/.exec(stderr);
  if (!match) throw new Error(`no final statistics in ffmpeg output:\n${stderr}`);
  return Number(match[1]) * 1024;
}

/** Plays an RTSP URL for `seconds` into the null muxer (OPTIONS/DESCRIBE/SETUP/PLAY/TEARDOWN). */
export function play(url: string, seconds: number, transport: string = 'udp'): FfmpegProcess {
  return ffmpeg(
    [
      '-rtsp_transport',
      transport,
      '-timeout',
      '5000000',
      '-i',
      url,
      '-t',
      String(seconds),
      '-f',
      'null',
      '-',
    ],
    (seconds + 20) * 1000,
  );
}
