import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { familySamples, parseExposition, valueOf, type Exposition } from '../support/exposition.ts';
import { freePort, startChild, waitFor, type Child } from '../support/processes.ts';
import { toolPath } from '../support/tools.ts';
import { httpGet } from './http-get.ts';

const node = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
const app = fileURLToPath(new URL('./fixtures/cluster-app.ts', import.meta.url));
const WORKERS = 3;
const TOKEN = 'cluster-test-token';

/** One request on its own connection, so the cluster spreads them over its workers; resolves with the worker id. */
function hit(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body.trim()));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('node:cluster: one aggregated /metrics on the primary', () => {
  let child: Child;
  let appPort: number;
  let metricsPort: number;
  /** Jobs the workers have acknowledged (each request records n jobs before it answers). */
  let recorded = 0;
  let lastScraped = 0;

  async function scrape(): Promise<{ text: string; exposition: Exposition }> {
    const res = await httpGet(`http://127.0.0.1:${metricsPort}/metrics`, {
      authorization: `Bearer ${TOKEN}`,
    });
    assert.equal(res.status, 200, res.body.toString());
    const text = res.body.toString();
    return { text, exposition: parseExposition(text) };
  }

  /** Scrapes and checks the counters never fell back and stay within what was recorded. */
  async function scrapeJobs(): Promise<{ jobs: number; exposition: Exposition; text: string }> {
    const { text, exposition } = await scrape();
    const jobs = valueOf(exposition, 'app_jobs_total', { kind: 'test' });
    assert.ok(jobs >= lastScraped, `app_jobs_total fell back from ${lastScraped} to ${jobs}`);
    lastScraped = jobs;
    return { jobs, exposition, text };
  }

  const workerIds = (exposition: Exposition): string[] =>
    familySamples(exposition, 'app_worker_id')
      .map((s) => s.labels.worker!)
      .sort();

  /** Waits until a full set of workers answers and one of them is new (not in `before`). */
  async function waitForReplacement(before: readonly string[]): Promise<void> {
    await waitFor(
      `a replacement worker (${child.output()})`,
      async () => {
        const ids = workerIds((await scrapeJobs()).exposition);
        return ids.length === WORKERS && ids.some((id) => !before.includes(id)) ? true : undefined;
      },
      30_000,
    );
  }

  async function record(requests: number, n: number, v: number): Promise<Set<string>> {
    const served = new Set<string>();
    for (let i = 0; i < requests; i++) {
      served.add(await hit(appPort, `/record?n=${n}&v=${v}`));
      recorded += n;
    }
    return served;
  }

  before(async () => {
    [appPort, metricsPort] = [await freePort(), await freePort()];
    child = startChild(node, [app], {
      env: {
        ...process.env,
        APP_PORT: String(appPort),
        METRICS_PORT: String(metricsPort),
        METRICS_TOKEN: TOKEN,
        WORKERS: String(WORKERS),
        WORKER_TIMEOUT_MS: '1000',
      },
    });
    await waitFor(
      `${WORKERS} workers sharing their metrics (${child.output()})`,
      async () => (workerIds((await scrape()).exposition).length === WORKERS ? true : undefined),
      30_000,
    );
  });

  after(async () => {
    await child?.stop('SIGTERM');
  });

  it('needs the bearer token, and binds 127.0.0.1 like the single-process endpoint', async () => {
    const res = await httpGet(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(res.status, 401);
  });

  it('sums counters and histograms of all workers exactly, scrape after scrape, while they record', async () => {
    // Scrapes run while requests land on the workers: every one stays between the last value and the total.
    let recording = true;
    const recordingDone = record(60, 5, 2).finally(() => (recording = false));
    let scrapes = 0;
    while (recording) {
      const { jobs } = await scrapeJobs();
      assert.ok(jobs <= recorded + 5, `app_jobs_total ${jobs} > ${recorded} recorded`);
      scrapes++;
    }
    await recordingDone;
    assert.ok(scrapes >= 2, `only ${scrapes} scrapes while recording`);
    const served = await record(30, 1, 2);
    assert.ok(served.size > 1, `the cluster sent every request to worker ${[...served].join()}`);

    const { jobs, exposition } = await scrapeJobs();
    assert.equal(jobs, recorded);
    assert.equal(valueOf(exposition, 'connections_opened_total', { protocol: 'rtsp' }), recorded);
    // Histograms: buckets, sum and count summed (every job took 2 s: le=1 empty, le=2 and above all).
    assert.equal(valueOf(exposition, 'app_job_seconds_bucket', { le: '1' }), 0);
    assert.equal(valueOf(exposition, 'app_job_seconds_bucket', { le: '2' }), recorded);
    assert.equal(valueOf(exposition, 'app_job_seconds_bucket', { le: '+Inf' }), recorded);
    assert.equal(valueOf(exposition, 'app_job_seconds_count'), recorded);
    assert.equal(valueOf(exposition, 'app_job_seconds_sum'), 2 * recorded);
    assert.equal(
      valueOf(exposition, 'connection_setup_duration_seconds_count', { protocol: 'rtsp' }),
      recorded,
    );
    // One series per label set: no worker label on what sums.
    assert.equal(familySamples(exposition, 'app_jobs_total').length, 1);
  });

  it('keeps gauges as the catalog says: per worker, summed, or the max of a host-wide reading', async () => {
    const { exposition } = await scrape();
    // Your own gauge: one series per worker, its value that worker's own.
    const ids = familySamples(exposition, 'app_worker_id');
    assert.equal(ids.length, WORKERS);
    for (const s of ids) assert.equal(String(s.value), s.labels.worker);
    const unmeasured = familySamples(exposition, 'app_unmeasured_ratio');
    assert.equal(unmeasured.length, WORKERS);
    for (const s of unmeasured) assert.ok(Number.isNaN(s.value), `NaN arrived as ${s.value}`);
    // active_connections sums (each worker holds one).
    assert.equal(valueOf(exposition, 'active_connections', { protocol: 'rtsp' }), WORKERS);
    assert.equal(familySamples(exposition, 'active_connections').length, 1);
    // Per-process readings per worker (and the primary's own); host-wide readings once.
    const processCpu = familySamples(exposition, 'process_cpu_usage_ratio').map((s) => s.labels.worker);
    assert.deepEqual(processCpu.sort(), [...workerIds(exposition), 'primary'].sort());
    const hostCpu = familySamples(exposition, 'cpu_usage_ratio');
    assert.equal(hostCpu.length, 1);
    assert.equal(hostCpu[0]!.labels.worker, undefined);
    // One target_info: the primary's resource.
    const targets = familySamples(exposition, 'target_info');
    assert.equal(targets.length, 1);
    assert.equal(targets[0]!.labels.service_name, 'cluster-app');
  });

  it('passes promtool check metrics', async () => {
    const { text } = await scrape();
    const result = spawnSync(toolPath('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(result.status, 0, `promtool: ${result.stdout}${result.stderr}`);
  });

  it('serves the others from a worker that does not answer, and counts it', async () => {
    const timeoutsBefore = valueOf((await scrape()).exposition, 'errors_total', {
      component: 'metrics',
      type: 'timeout',
    });
    const blocked = hit(appPort, '/block?ms=4000');
    await waitFor(
      'a worker blocking',
      async () => (child.output().includes('blocking') ? true : undefined),
      10_000,
    );
    const { jobs, exposition } = await scrapeJobs();
    // The blocked worker's counters come from its last answer; its gauge is left out meanwhile.
    assert.equal(jobs, recorded);
    assert.equal(familySamples(exposition, 'app_worker_id').length, WORKERS - 1);
    const blockedId = await blocked;
    assert.ok(!workerIds(exposition).includes(blockedId));
    const after = await waitFor(
      'the timeout counted',
      async () => {
        const { exposition: e } = await scrape();
        const timeouts = valueOf(e, 'errors_total', { component: 'metrics', type: 'timeout' });
        return timeouts > timeoutsBefore ? e : undefined;
      },
      10_000,
    );
    assert.ok(after);
    await waitFor(
      'the blocked worker answering again',
      async () => (workerIds((await scrape()).exposition).length === WORKERS ? true : undefined),
      10_000,
    );
  });

  it('keeps a dead worker’s counters in the sum: restarts never make the aggregate fall back', async () => {
    const before = workerIds((await scrape()).exposition);
    await hit(appPort, '/crash').catch(() => undefined);
    await waitForReplacement(before);
    const { jobs, exposition } = await scrapeJobs();
    assert.equal(jobs, recorded);
    assert.equal(valueOf(exposition, 'app_job_seconds_count'), recorded);
    // An up-down counter is a current state: the dead worker's connection went with it.
    assert.equal(valueOf(exposition, 'active_connections', { protocol: 'rtsp' }), WORKERS);
    await record(9, 2, 2);
    assert.equal((await scrapeJobs()).jobs, recorded);
  });

  it('keeps what a gracefully leaving worker counted after the last scrape (its last snapshot)', async () => {
    const before = workerIds((await scrapeJobs()).exposition);
    // Recorded after that scrape, then the worker leaves: only its last snapshot carries these jobs.
    await hit(appPort, '/leave?n=4&v=2');
    recorded += 4;
    await waitForReplacement(before);
    assert.equal((await scrapeJobs()).jobs, recorded);
  });
});
