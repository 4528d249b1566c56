import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { WorkerMetrics } from '@flux-metrics/prometheus';
import { bridgeWithProvider } from '../support/bridge.ts';
import { familySamples, parseExposition, valueOf } from '../support/exposition.ts';
import { waitFor } from '../support/processes.ts';

const threadScript = new URL('./fixtures/thread-worker.ts', import.meta.url);

describe('worker_threads: metrics recorded in threads reach the main thread’s endpoint', () => {
  const workers = new WorkerMetrics();
  const { bridge, provider } = bridgeWithProvider({ workers });
  const threads: Worker[] = [];
  after(async () => {
    await Promise.all(threads.map((t) => t.terminate()));
    await provider.shutdown();
  });

  const scrape = async () => parseExposition((await bridge.scrape()).text);
  async function record(thread: Worker, n: number): Promise<void> {
    thread.postMessage(n);
    await once(thread, 'message');
  }

  it('sums the threads’ and the main thread’s counters and histograms; gauges stay per thread', async () => {
    for (const queueDepth of [10, 20, 30]) {
      const metricsPort = workers.threadPort();
      threads.push(
        new Worker(threadScript, { workerData: { metricsPort, queueDepth }, transferList: [metricsPort] }),
      );
    }
    await waitFor('3 threads sharing', async () => (workers.size === 3 ? true : undefined), 30_000);
    provider.getMeter('thread-app').createCounter('thread_jobs_total').add(7);
    await Promise.all(threads.map((t, i) => record(t, 5 * (i + 1))));
    let exposition = await scrape();
    assert.equal(valueOf(exposition, 'thread_jobs_total'), 7 + 5 + 10 + 15);
    assert.equal(valueOf(exposition, 'thread_job_seconds_bucket', { le: '0.5' }), 0);
    assert.equal(valueOf(exposition, 'thread_job_seconds_bucket', { le: '2' }), 30);
    assert.equal(valueOf(exposition, 'thread_job_seconds_sum'), 30);
    const gauges = familySamples(exposition, 'thread_queue_depth');
    assert.deepEqual(
      gauges.map((s) => [s.labels.worker, s.value]).sort(),
      threads.map((t, i) => [String(t.threadId), 10 * (i + 1)]).sort(),
    );

    // A thread that ends leaves its counts in the sum and takes its gauge with it.
    await threads.shift()!.terminate();
    await waitFor('the ended thread dropped', async () => (workers.size === 2 ? true : undefined), 10_000);
    await record(threads[0]!, 1);
    exposition = await scrape();
    assert.equal(valueOf(exposition, 'thread_jobs_total'), 7 + 5 + 10 + 15 + 1);
    assert.equal(familySamples(exposition, 'thread_queue_depth').length, 2);
  });
});

describe('WorkerMetrics: a worker that misbehaves never breaks the scrape', () => {
  it('serves the main thread’s metrics when a worker sends garbage, a conflicting type or nothing, and counts each', async () => {
    const workers = new WorkerMetrics({ timeoutMillis: 300 });
    const { bridge, provider } = bridgeWithProvider({ workers });
    try {
      provider.getMeter('app').createCounter('main_jobs_total').add(3);
      const silent = workers.threadPort();
      silent.postMessage({ fluxMetrics: 'ready' });
      const garbage = workers.threadPort();
      garbage.on('message', (m: { id: number }) => {
        garbage.postMessage({ fluxMetrics: 'snapshot', id: m.id, snapshot: { scopes: [{ name: 1 }] } });
        // Untagged messages and answers nobody asked for are ignored.
        garbage.postMessage('hello');
        garbage.postMessage({ fluxMetrics: 'snapshot', id: -1, snapshot: null });
      });
      garbage.postMessage({ fluxMetrics: 'ready' });
      // A well-formed answer whose metric has another type than the main thread's: left out, counted.
      const conflicting = workers.threadPort();
      conflicting.on('message', (m: { id: number }) => {
        const point = { attributes: {}, startTime: [0, 0], endTime: [1, 0], value: 'NaN' };
        const metric = { name: 'main_jobs_total', description: '', unit: '', valueType: 1, type: 'gauge' };
        const scope = { name: 'app', metrics: [{ ...metric, monotonic: false, points: [point] }] };
        conflicting.postMessage({ fluxMetrics: 'snapshot', id: m.id, snapshot: { scopes: [scope] } });
      });
      conflicting.postMessage({ fluxMetrics: 'ready' });
      await waitFor('all ready', async () => (workers.size === 3 ? true : undefined), 5_000);

      await bridge.scrape();
      const exposition = parseExposition((await bridge.scrape()).text);
      assert.equal(valueOf(exposition, 'main_jobs_total'), 3);
      assert.equal(valueOf(exposition, 'errors_total', { component: 'metrics', type: 'timeout' }), 1);
      assert.equal(valueOf(exposition, 'errors_total', { component: 'metrics', type: 'protocol' }), 2);
      assert.equal(exposition.types.get('main_jobs_total'), 'counter');
      for (const port of [silent, garbage, conflicting]) port.close();
    } finally {
      await provider.shutdown();
    }
  });
});
