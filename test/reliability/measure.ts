import { gc } from '../support/gc.ts';

/** Heap in use after a full collection, in MiB. */
export function heapMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** The p-th percentile (0–1) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** A size from the environment (to run the full-size figures by hand), else the suite's default. */
export function sizeFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
