import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from '../support/processes.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the demo without load for one second (every port picked by the OS) and waits for its exit. */
async function runDemo(extraArgs: string[]): Promise<{ pid: number; code: number | null; output: string }> {
  const demo = startChild(
    process.execPath,
    [
      'examples/media-server/src/main.ts',
      '--metrics-port=0',
      '--rtsp-port=0',
      '--api-port=0',
      '--srt-port=0',
      '--no-load',
      '--no-summary',
      '--duration=1',
      ...extraArgs,
    ],
    { cwd: repo },
  );
  const [code] = (await once(demo.process, 'exit')) as [number | null];
  return { pid: demo.process.pid!, code, output: demo.output() };
}

for (const form of ['--record-dir=<dir>', '--record-dir <dir>']) {
  test(`a directory given as ${form} is kept with its files when the demo stops`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'flux-user-recordings-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'precious.ts'), 'the user file');
    const args = form.includes('=') ? [`--record-dir=${dir}`] : ['--record-dir', dir];
    const { code, output } = await runDemo(args);
    assert.equal(code, 0, output);
    assert.ok(existsSync(join(dir, 'precious.ts')), `${dir} or its file was deleted\n${output}`);
  });
}

test('the temporary directory the demo made itself is removed when it stops', async () => {
  const { pid, code, output } = await runDemo([]);
  assert.equal(code, 0, output);
  assert.match(output, new RegExp(`recordings\\s+${join(tmpdir(), `flux-demo-${pid}`)}`));
  assert.equal(existsSync(join(tmpdir(), `flux-demo-${pid}`)), false);
});
