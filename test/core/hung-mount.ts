import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../support/processes.ts';

/** A mounted filesystem that never answers: every statfs on it blocks until `release()`. */
export interface HungMount {
  readonly dir: string;
  /** Whether the mount was released (its holder wrote this before letting go of the connection). */
  released(): boolean;
  /** Lets blocked calls fail (ENOTCONN), unmounts and removes the directory. */
  release(): Promise<void>;
}

/**
 * Mounts a FUSE filesystem whose daemon never reads its requests, the way a dead NFS server or a dying
 * disk hangs: the kernel's calls on it wait. A shell holds /dev/fuse open; closing it aborts the
 * connection. It lets go by itself after `maxHoldSeconds`, so that a blocked test process cannot deadlock.
 */
export async function mountHung(maxHoldSeconds = 30): Promise<HungMount> {
  const root = mkdtempSync(join(tmpdir(), 'flux-hung-'));
  const dir = join(root, 'mnt');
  const marker = join(root, 'released');
  mkdirSync(dir);
  const holder = spawn(
    'bash',
    [
      '-c',
      `exec 3<>/dev/fuse && mount -i -t fuse -o fd=3,rootmode=40000,user_id=0,group_id=0 flux-hung "$1" && echo mounted; read -t ${maxHoldSeconds} _; echo > "$2"; exec 3>&-`,
      'hung-mount',
      dir,
      marker,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let output = '';
  holder.stdout.on('data', (b: Buffer) => (output += b.toString()));
  holder.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
  const settled = async () => (output.includes('mounted') || holder.exitCode !== null ? true : undefined);
  await waitFor('the hung FUSE mount', settled, 10_000).catch(() => holder.kill());
  if (!output.includes('mounted')) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`cannot mount a hung FUSE filesystem (needs root and /dev/fuse): ${output.trim()}`);
  }
  return {
    dir,
    released: () => existsSync(marker),
    async release() {
      if (!existsSync(root)) return;
      holder.stdin.end(); // read returns: the holder closes /dev/fuse and blocked calls fail
      await exited;
      execFileSync('umount', ['-l', dir]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
