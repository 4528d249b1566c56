import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GeneratedFile } from './generated-file.js';

/** Writes the files under `outDir`; returns the paths whose content changed. Never deletes anything. */
export function writeFiles(outDir: string, files: readonly GeneratedFile[]): string[] {
  const changed = staleFiles(outDir, files);
  for (const file of files) {
    if (!changed.includes(file.path)) continue;
    const target = join(outDir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
  return changed;
}

/** Paths under `outDir` that are missing or differ from what the generator produces. */
export function staleFiles(outDir: string, files: readonly GeneratedFile[]): string[] {
  return files.filter((file) => readOrUndefined(join(outDir, file.path)) !== file.content).map((f) => f.path);
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
