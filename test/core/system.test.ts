import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { startSystemMetrics } from '@flux-metrics/core';
import { createHarness } from '../support/harness.ts';
import { parseExposition, valueOf } from '../support/exposition.ts';

test('system metrics: CPU ratios in 0..1, memory against os, disk usage as df computes it', async () => {
  const h = createHarness();
  const stop = startSystemMetrics({ diskPaths: ['/', os.tmpdir()], meterProvider: h.provider });
  try {
    await h.scrape();
    const spinUntil = Date.now() + 200; // some CPU work between two collections
    while (Date.now() < spinUntil);
    const e = parseExposition(await h.scrape());
    const cpu = valueOf(e, 'cpu_usage_ratio');
    const processCpu = valueOf(e, 'process_cpu_usage_ratio');
    assert.ok(cpu > 0 && cpu <= 1, `cpu_usage_ratio ${cpu}`);
    assert.ok(processCpu > 0 && processCpu <= 1, `process_cpu_usage_ratio ${processCpu}`);
    assert.ok(valueOf(e, 'memory_total_bytes') <= os.totalmem());
    assert.ok(valueOf(e, 'memory_usage_bytes', { type: 'rss' }) > 10_000_000);
    const used = valueOf(e, 'memory_usage_bytes', { type: 'used' });
    assert.ok(used > 0 && used < os.totalmem());

    // df's Use% is ceil(used / (used + avail) * 100).
    const df = execFileSync('df', ['-P', '/'], { encoding: 'utf8' }).trim().split('\n')[1]!.split(/\s+/);
    const dfPercent = Number(df[4]!.replace('%', ''));
    const ratio = valueOf(e, 'disk_usage_ratio', { path: '/' });
    assert.ok(Math.abs(ratio * 100 - dfPercent) <= 1, `ratio ${ratio} vs df ${dfPercent}%`);
    const dfAvailBytes = Number(df[3]) * 1024;
    const free = valueOf(e, 'disk_free_bytes', { path: '/' });
    assert.ok(Math.abs(free - dfAvailBytes) < 64 * 1024 * 1024, `free ${free} vs df ${dfAvailBytes}`);

    assert.ok(valueOf(e, 'network_io_bytes_total', { device: 'lo', direction: 'receive' }) >= 0);
    assert.ok(
      e.samples.some((s) => s.name === 'disk_io_bytes_total'),
      'disk_io_bytes_total present',
    );
  } finally {
    stop();
    await h.shutdown();
  }
});
