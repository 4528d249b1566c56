import { readdirSync, readFileSync } from 'node:fs';

/** Byte counters of one device in one direction. */
export interface DeviceBytes {
  device: string;
  direction: string;
  bytes: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // not Linux, or no procfs: the metric simply has no series
  }
}

/** Bytes read and written by whole block disks, from /proc/diskstats (sectors are 512 bytes there). */
export function readDiskBytes(): DeviceBytes[] {
  const text = read('/proc/diskstats');
  if (!text) return [];
  let disks: Set<string>;
  try {
    disks = new Set(readdirSync('/sys/block').filter((d) => !/^(loop|ram|zram)/.test(d)));
  } catch {
    return [];
  }
  const out: DeviceBytes[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const device = f[2];
    if (!device || !disks.has(device)) continue;
    out.push({ device, direction: 'read', bytes: Number(f[5]) * 512 });
    out.push({ device, direction: 'write', bytes: Number(f[9]) * 512 });
  }
  return out;
}

/** Bytes received and transmitted per network interface, from /proc/net/dev. */
export function readNetworkBytes(): DeviceBytes[] {
  const text = read('/proc/net/dev');
  if (!text) return [];
  const out: DeviceBytes[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const device = line.slice(0, colon).trim();
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    out.push({ device, direction: 'receive', bytes: Number(f[0]) });
    out.push({ device, direction: 'transmit', bytes: Number(f[8]) });
  }
  return out;
}
