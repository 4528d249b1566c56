import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DiskFault } from '../../examples/media-server/src/disk-fault.ts';

test('the diskFull volume never takes over or deletes a directory the demo did not create', async (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'flux-disk-fault-'));
  let started: DiskFault | undefined;
  t.after(async () => {
    await started?.stop(); // whatever failed: no mount and no write timer left behind
    rmSync(parent, { recursive: true, force: true });
  });
  const recordDir = join(parent, 'recordings');
  // A user's directory with the name the fault volume once took.
  const theirs = `${recordDir}-fault-volume`;
  mkdirSync(theirs);
  writeFileSync(join(theirs, 'precious.ts'), 'the user file');

  const fault = await DiskFault.start(recordDir).catch((error: Error) => error);
  if (fault instanceof Error) {
    // Without root the mount fails; the user's directory must still be there.
    assert.match(fault.message, /needs root/);
  } else {
    started = fault;
    assert.notEqual(fault.dir, theirs, 'a directory of its own');
    assert.equal(dirname(fault.dir), parent, 'next to the recording directory');
    assert.equal(existsSync(join(fault.dir, 'ballast.ts')), true, 'the volume is mounted and filled');
    assert.equal(existsSync(join(theirs, 'precious.ts')), true, 'not hidden under the mount');
    await fault.stop();
    assert.equal(existsSync(fault.dir), false, 'its own mount point is removed');
    await fault.stop(); // a second stop does nothing
  }
  assert.equal(readFileSync(join(theirs, 'precious.ts'), 'utf8'), 'the user file');
});
