import type { SdpTrack } from '../wire/sdp.js';
import { DEFAULT_CLOCK_RATE } from '../session.js';

/** The path of an RTSP URL without slashes at either end: `rtsp://h:8554/live/cam1/` → `live/cam1`. */
export function pathOf(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  return path.replace(/^\/+|\/+$/g, '');
}

/** Descriptions kept per connection; a client describing more paths than this drops the oldest. */
const MAX_DESCRIPTIONS = 32;

/** Media descriptions seen on a connection (DESCRIBE answers, ANNOUNCE bodies), by stream path. */
export class Descriptions {
  readonly #byPath = new Map<string, SdpTrack[]>();

  set(path: string, tracks: SdpTrack[]): void {
    this.#byPath.delete(path);
    if (this.#byPath.size >= MAX_DESCRIPTIONS) this.#byPath.delete(this.#byPath.keys().next().value ?? '');
    this.#byPath.set(path, tracks);
  }

  /** The stream a SETUP URL path belongs to and the clock rate of its track. */
  locate(setupPath: string): { streamPath: string; clockRate: number } {
    let best: string | undefined;
    for (const path of this.#byPath.keys()) {
      const prefix = setupPath === path || setupPath.startsWith(path + '/') || path === '';
      if (prefix && (best === undefined || path.length > best.length)) best = path;
    }
    if (best === undefined) return { streamPath: withoutControl(setupPath), clockRate: DEFAULT_CLOCK_RATE };
    const tracks = this.#byPath.get(best) ?? [];
    const track =
      tracks.find((t) => controlPath(best, t.control) === setupPath) ??
      (tracks.length === 1 ? tracks[0] : undefined);
    return { streamPath: best, clockRate: track?.clockRate ?? DEFAULT_CLOCK_RATE };
  }
}

function controlPath(base: string, control: string | undefined): string {
  if (control === undefined || control === '*') return base;
  if (/^rtsps?:\/\//i.test(control)) return pathOf(control);
  return base === '' ? control : `${base}/${control}`;
}

/** Without a description, `cam1/streamid=0` or `cam1/trackID=1` is the track of stream `cam1`. */
function withoutControl(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash > 0 && path.slice(slash + 1).includes('=') ? path.slice(0, slash) : path;
}
