import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A freshly mounted tmpfs of a fixed size: a filesystem a test can fill up. */
export interface SmallFilesystem {
  readonly dir: string;
  unmount(): void;
}

/**
 * Mounts a tmpfs of `sizeBytes` on a new temp directory, or returns the reason it cannot (not root, no
 * CAP_SYS_ADMIN in a container) so the caller can skip with that message.
 */
export function mountTmpfs(sizeBytes: number): SmallFilesystem | string {
  const dir = mkdtempSync(join(tmpdir(), 'flux-storage-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `cannot mount a tmpfs here (${stderr || String(error)}); the ENOSPC test needs root with mount rights`;
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        // still busy (a handle left open by a failed test): detach it now, the kernel frees it later
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
