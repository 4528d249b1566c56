import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const SERVICES = ['prometheus', 'prometheus-alertmanager', 'prometheus-node-exporter'];

/**
 * Runs scripts/setup-system.sh as if nothing were installed, in a private mount namespace whose /usr/sbin is
 * an empty tmpfs (so the host's policy-rc.d is neither seen nor touched). apt-get is a stand-in that records
 * its calls and, like a package's maintainer script through invoke-rc.d, asks policy-rc.d before starting
 * each service; systemctl and service fail as in a container without systemd; pkill and killall only
 * record that they were called. Returns the log.
 */
function runSetup(existingPolicy?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'flux-setup-system-'));
  try {
    const log = join(dir, 'calls.log');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const stub = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    stub(
      'apt-get',
      `echo "apt-get $*" >>"${log}"
[ "$1" = install ] || exit 0
for svc in ${SERVICES.join(' ')}; do
  rc=0; [ -x /usr/sbin/policy-rc.d ] && { /usr/sbin/policy-rc.d "$svc" start; rc=$?; }
  if [ "$rc" = 101 ]; then echo "start $svc: denied" >>"${log}"; else echo "start $svc: started" >>"${log}"; fi
done`,
    );
    for (const name of ['systemctl', 'service']) stub(name, `echo "${name} $*" >>"${log}"; exit 1`);
    for (const name of ['pkill', 'killall']) stub(name, `echo "${name} $*" >>"${log}"; exit 0`);
    // Only what the script needs from the system: nothing that would make a tool look installed.
    for (const tool of ['bash', 'id', 'rm', 'chmod', 'cat', 'printf', 'mkdir', 'mv', 'sh']) {
      symlinkSync(
        execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(),
        join(bin, tool),
      );
    }
    const policy =
      existingPolicy === undefined
        ? ''
        : `printf %s '${existingPolicy}' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && `;
    const inside = [
      'mount -t tmpfs tmpfs /usr/sbin',
      `${policy}PATH="${bin}" bash "${repo}scripts/setup-system.sh" >/dev/null 2>&1; echo "exit $?" >>"${log}"`,
      `if [ -e /usr/sbin/policy-rc.d ]; then echo "policy-rc.d after: $(cat /usr/sbin/policy-rc.d)" >>"${log}"; else echo "policy-rc.d after: none" >>"${log}"; fi`,
    ].join(' && ');
    execFileSync('unshare', ['--mount', '--propagation', 'private', 'bash', '-c', inside], { stdio: 'pipe' });
    return readFileSync(log, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('setup-system installs without starting services and never kills processes by name', () => {
  const log = runSetup();
  assert.match(log, /^apt-get install .*prometheus/m, log);
  assert.match(log, /^exit 0$/m, log);
  for (const svc of SERVICES) assert.match(log, new RegExp(`^start ${svc}: denied$`, 'm'), log);
  assert.doesNotMatch(log, /^(pkill|killall) /m, 'pkill/killall would hit every such process on the host');
  assert.match(log, /^policy-rc\.d after: none$/m, 'the temporary policy-rc.d is removed');
});

test('setup-system leaves an existing policy-rc.d as it was and still kills nothing by name', () => {
  const log = runSetup('#!/bin/sh\nexit 0\n');
  assert.match(log, /^exit 0$/m, log);
  assert.doesNotMatch(log, /^(pkill|killall) /m, log);
  assert.match(log, /^policy-rc\.d after: #!\/bin\/sh\nexit 0$/m, log);
});
