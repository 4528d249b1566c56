import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sign, signedUrl } from '@flux-metrics/dingtalk';

test('signature matches the documented test vector', () => {
  assert.equal(
    sign('SEC000000000000000000000', 1700000000000),
    '1zJ/w34EOSVAYr7cu7Vo8LnebmK2/GrCgegtr8mQrqM=',
  );
});

test('signed URL keeps the access token and URL-encodes the signature', () => {
  const url = signedUrl(
    'https://oapi.dingtalk.com/robot/send?access_token=abc',
    'SEC000000000000000000000',
    1700000000000,
  );
  assert.equal(
    url,
    'https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign=1zJ%2Fw34EOSVAYr7cu7Vo8LnebmK2%2FGrCgegtr8mQrqM%3D',
  );
});

test('without a secret the URL is left alone (keyword or IP-allowlist robots)', () => {
  assert.equal(
    signedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', undefined),
    'https://oapi.dingtalk.com/robot/send?access_token=abc',
  );
});
