/**
 * Runs every bench/*.bench.ts and prints ns/op per case: best of 5 rounds, each long enough (~100 ms) for the
 * timer not to matter. Usage: npm run bench [-- filter] [--json]
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchCase } from './case.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));
const json = process.argv.includes('--json');
const filter = process.argv.slice(2).find((a) => a !== '--json');

function measure(op: () => void): number {
  let iterations = 1_000;
  // Calibrate: grow until one round takes ~100 ms.
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) op();
    const elapsed = Number(process.hrtime.bigint() - t0);
    if (elapsed > 100e6 || iterations >= 1e9) break;
    iterations *= elapsed < 1e6 ? 10 : Math.ceil(100e6 / elapsed);
  }
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) op();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / iterations);
  }
  return best;
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const rows: { file: string; group: string; name: string; ns: number }[] = [];
for (const file of files) {
  const { cases } = (await import(new URL(file, import.meta.url).href)) as { cases: BenchCase[] };
  for (const c of cases) {
    if (filter && !`${file} ${c.group} ${c.name}`.includes(filter)) continue;
    rows.push({ file, group: c.group, name: c.name, ns: measure(c.op) });
  }
}

if (json) {
  console.log(JSON.stringify(rows));
  process.exit(0);
}
console.log(`node ${process.version}, ${process.arch}; ns per operation, best of 5 rounds\n`);
const width = Math.max(...rows.map((r) => r.name.length), 10);
let lastGroup = '';
for (const r of rows) {
  const group = `${r.file.replace('.bench.ts', '')} / ${r.group}`;
  if (group !== lastGroup) {
    console.log(`\n${group}`);
    lastGroup = group;
  }
  console.log(`  ${r.name.padEnd(width)}  ${r.ns.toFixed(r.ns < 10 ? 2 : 1).padStart(9)} ns/op`);
}
