import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, parseConfig, redactingLogger, secretsOf } from '@flux-metrics/dingtalk';

test('robot URL and secret come from files or environment variables', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flux-dt-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'url'), 'https://oapi.dingtalk.com/robot/send?access_token=tok123\n');
  const config = parseConfig(
    {
      targets: {
        critical: { urlFile: join(dir, 'url'), secretEnv: 'DT_SECRET', mention: { mobiles: [13800000000] } },
        warning: { url: 'https://oapi.dingtalk.com/robot/send?access_token=tok456' },
      },
    },
    { DT_SECRET: 'SECabc\n' },
  );
  const critical = config.targets.get('critical')!;
  assert.equal(critical.url, 'https://oapi.dingtalk.com/robot/send?access_token=tok123');
  assert.equal(critical.secret, 'SECabc');
  assert.deepEqual(critical.mention.mobiles, ['13800000000']);
  assert.equal(config.targets.get('warning')!.secret, undefined);
  assert.equal(config.listen.host, '127.0.0.1', 'binds to localhost by default');
  assert.equal(config.rateLimit.messages, 20);
  assert.ok(config.maxMessageBytes < 20_000);
  assert.ok(secretsOf(config).includes('tok123') && secretsOf(config).includes('SECabc'));
});

test('config errors say what is wrong and never echo a secret', () => {
  const cases: [unknown, RegExp][] = [
    [{}, /at least one robot/],
    [{ targets: { a: {} } }, /targets\.a: one of url, urlFile, urlEnv is required/],
    [{ targets: { a: { url: 'x', urlEnv: 'Y' } } }, /set only one of url, urlEnv/],
    [{ targets: { a: { urlEnv: 'MISSING_VAR' } } }, /MISSING_VAR is not set/],
    [{ targets: { a: { urlFile: '/nonexistent/url' } } }, /cannot read \/nonexistent\/url \(ENOENT\)/],
    [{ targets: { a: { url: 'not a url?access_token=SECRET' } } }, /not a URL/],
    [{ targets: { a: { url: 'https://x', secret: 'SECinline' } } }, /unknown key "secret"/],
    [{ targets: { a: { url: 'https://x' } }, maxMessageBytes: 20_000 }, /below 20000/],
    [{ targets: { a: { url: 'https://x' } }, rateLimit: { messages: 0 } }, /positive integer/],
  ];
  for (const [document, message] of cases) {
    assert.throws(
      () => parseConfig(document, {}),
      (err: Error) => {
        assert.match(err.message, message);
        assert.doesNotMatch(err.message, /SECRET|SECinline/);
        return true;
      },
    );
  }
});

test('the logger scrubs every secret it was told about', () => {
  const lines: string[] = [];
  const log = redactingLogger(
    ['https://oapi.dingtalk.com/robot/send?access_token=tok123', 'tok123', 'SECabc'],
    (l) => lines.push(l),
  );
  log.warn(
    'failed https://oapi.dingtalk.com/robot/send?access_token=tok123&sign=x with SECabc; token tok123',
  );
  assert.doesNotMatch(lines[0]!, /tok123|SECabc/);
  assert.match(lines[0]!, /<redacted>/);
});

test('the compose stack config is valid: only its secret files are missing here', () => {
  const path = fileURLToPath(new URL('../../deploy/dingtalk/bridge.yml', import.meta.url));
  assert.throws(
    () => loadConfig(path, {}),
    /targets\.critical\.urlFile: cannot read \/etc\/flux-dingtalk\/secrets\/critical_url/,
  );
});
