import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startChild, waitFor } from '../support/processes.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

for (const handler of ['once-before', 'on-before', 'once-after', 'prepend-after']) {
  test(`an app's own SIGTERM drain (${handler} register) completes and exits 0`, async () => {
    const app = startChild(process.execPath, ['test/export/fixtures/drain-app.ts'], {
      cwd: repo,
      env: { PATH: process.env.PATH, HANDLER: handler },
    });
    try {
      await waitFor('the app ready', async () => (app.output().includes('ready') ? true : undefined), 20_000);
      const exited = once(app.process, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      app.process.kill('SIGTERM');
      const [code, signal] = await exited;
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, app.output());
      assert.match(app.output(), /draining\ndrained/);
    } finally {
      await app.stop();
    }
  });
}
