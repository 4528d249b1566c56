import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { startSystemMetrics, watchDiskPaths } from '@flux-metrics/core';
import { createHarness } from '../support/harness.ts';
import { parseExposition, valueOf, type Exposition } from '../support/exposition.ts';
import { waitFor } from '../support/processes.ts';
import { mountHung } from './hung-mount.ts';

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

    // Disk usage is sampled asynchronously (a collection never waits for a filesystem): the latest answer.
    const disk = await waitFor(
      'disk usage of /',
      async () => {
        const d = parseExposition(await h.scrape());
        return d.samples.some((s) => s.name === 'disk_usage_ratio' && s.labels.path === '/') ? d : undefined;
      },
      10_000,
    );
    // df's Use% is ceil(used / (used + avail) * 100).
    const df = execFileSync('df', ['-P', '/'], { encoding: 'utf8' }).trim().split('\n')[1]!.split(/\s+/);
    const dfPercent = Number(df[4]!.replace('%', ''));
    const ratio = valueOf(disk, 'disk_usage_ratio', { path: '/' });
    assert.ok(Math.abs(ratio * 100 - dfPercent) <= 1, `ratio ${ratio} vs df ${dfPercent}%`);
    const dfAvailBytes = Number(df[3]) * 1024;
    const free = valueOf(disk, 'disk_free_bytes', { path: '/' });
    assert.equal(valueOf(disk, 'disk_path_stalled', { path: '/' }), 0);
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

test('a disk path whose filesystem hangs is reported as stalled, and no collection waits for it', async () => {
  const hung = await mountHung();
  const h = createHarness();
  const stop = startSystemMetrics({
    diskPaths: ['/', hung.dir],
    diskStatTimeoutMs: 1000,
    meterProvider: h.provider,
  });
  try {
    const stalled = (e: Exposition, path: string) =>
      e.samples.find((s) => s.name === 'disk_path_stalled' && s.labels.path === path)?.value;
    // Reported while the mount still hangs, the healthy path still answering beside it.
    const e = await waitFor(
      'the hung path reported as stalled, / answering',
      async () => {
        const e = parseExposition(await h.scrape());
        const usage = e.samples.some((s) => s.name === 'disk_usage_ratio' && s.labels.path === '/');
        return stalled(e, hung.dir) === 1 && stalled(e, '/') === 0 && usage ? e : undefined;
      },
      20_000,
    );
    assert.equal(hung.released(), false, 'a collection waited until the filesystem let go');
    assert.ok(valueOf(e, 'disk_usage_ratio', { path: '/' }) > 0);
    const hungUsage = e.samples.filter((s) => s.name.startsWith('disk_') && s.labels.path === hung.dir);
    assert.deepEqual(
      hungUsage.map((s) => s.name),
      ['disk_path_stalled'],
      'no usage for a path that does not answer',
    );

    await hung.release(); // the call returns now (with an error): the path is no longer stalled
    await waitFor(
      'the path no longer stalled',
      async () => (stalled(parseExposition(await h.scrape()), hung.dir) === 0 ? true : undefined),
      10_000,
    );
  } finally {
    stop();
    await hung.release();
    await h.shutdown();
  }
});

test('several watchers in one process: every path is sampled, none starved or reported stalled', async () => {
  const h = createHarness();
  // Three watchers of two paths each (system metrics, recordings, a second volume): more paths than the
  // process-wide statfs slots, asked for in the same order at every collection.
  const dirs = ['/', os.tmpdir(), '/tmp', '/usr', '/var', '/etc'];
  const stops = [0, 2, 4].map((i) =>
    watchDiskPaths(dirs.slice(i, i + 2), h.provider, { statTimeoutMs: 2000 }),
  );
  try {
    await waitFor(
      'a usage sample for every watched path',
      async () => {
        const e = parseExposition(await h.scrape());
        const sampled = new Set(
          e.samples.filter((s) => s.name === 'disk_usage_ratio').map((s) => s.labels.path),
        );
        return dirs.every((d) => sampled.has(d)) ? true : undefined;
      },
      10_000,
    );
    // Collections keep coming; no path ever looks stalled, because none is.
    for (let i = 0; i < 20; i++) {
      const e = parseExposition(await h.scrape());
      const stalled = e.samples.filter((s) => s.name === 'disk_path_stalled' && s.value !== 0);
      assert.deepEqual(stalled, [], 'a healthy path reported as stalled');
    }
  } finally {
    stops.forEach((stop) => stop());
    await h.shutdown();
  }
});
