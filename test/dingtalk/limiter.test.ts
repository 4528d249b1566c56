import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoff, RateLimiter } from '@flux-metrics/dingtalk';

test('the limiter allows N sends in any window, then says how long to wait', () => {
  const limiter = new RateLimiter(3, 60_000);
  for (const t of [0, 10, 20]) {
    assert.equal(limiter.waitMs(t), 0);
    limiter.record(t);
  }
  assert.equal(limiter.waitMs(30), 59_970, 'until the first send leaves the window');
  assert.equal(limiter.waitMs(60_000), 0);
  limiter.record(60_000);
  assert.equal(limiter.waitMs(60_001), 9, 'the second send (t=10) leaves at 60,010');
});

test('"too fast" uses up the whole window from now', () => {
  const limiter = new RateLimiter(20, 60_000);
  limiter.record(0);
  limiter.saturate(1000);
  assert.equal(limiter.waitMs(1000), 60_000);
  assert.equal(limiter.waitMs(61_000), 0);
});

test('backoff doubles from the initial delay up to the cap, with bounded jitter', () => {
  for (let attempt = 1; attempt <= 8; attempt++) {
    const base = Math.min(10_000, 500 * 2 ** (attempt - 1));
    for (let i = 0; i < 50; i++) {
      const delay = backoff(attempt, 500, 10_000);
      assert.ok(delay >= base * 0.8 && delay <= base * 1.2, `attempt ${attempt}: ${delay} vs ${base}`);
    }
  }
});
