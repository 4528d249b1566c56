import type { Cluster, Worker as ClusterWorker } from 'node:cluster';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { findMetric, workerAggregation, type WorkerAggregation } from '@flux-metrics/core';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { cumulativeOnly, mergeSnapshots, type AggregationOf, type WorkerSnapshot } from './merge.js';
import { isTagged, type ToWorker } from './protocol.js';
import { decodeSnapshot, encodeSnapshot, toResourceMetrics, type MetricsSnapshot } from './snapshot.js';

export interface WorkerMetricsOptions {
  /** How long a scrape waits for each worker (default 2000 ms); keep it below Prometheus' scrape_timeout. */
  timeoutMillis?: number;
  /** How series of your own gauges combine, by metric name (catalog metrics say it in the catalog). */
  aggregate?: Readonly<Record<string, WorkerAggregation>>;
  /** The `worker` label of this process's own per-worker series (default `primary`). */
  label?: string;
}

/** A failure of the export path, counted as `errors_total{component="metrics",type=<code>}`. */
function exportError(message: string, code: 'timeout' | 'protocol'): Error {
  return Object.assign(new Error(`flux-metrics: ${message}`), { code });
}

interface Peer {
  readonly worker: string;
  readonly send: (message: ToWorker, onError: (error: Error) => void) => void;
  /** The last snapshot it answered with, and the request it answered. */
  last?: MetricsSnapshot;
  answered?: number;
  readonly waiting: Map<number, (error?: Error) => void>;
}

const LABEL = /^[\w.:-]{1,64}$/;

/**
 * The workers' side of an aggregated endpoint, for the primary of a `node:cluster` (or the main thread of
 * worker_threads): pass it as `workers` to the PrometheusBridge (or `register({ prometheus: { workers } })`)
 * and every scrape asks each worker that called `shareMetrics()` for its metrics, then serves one exposition:
 * counters and histograms summed per label set, gauges as the catalog says (`aggregate`).
 *
 * A worker that does not answer within `timeoutMillis` is served from its last answer (counters and
 * histograms only) and counted; a worker that exits leaves its last counters and histograms in the sum, so
 * the aggregate never falls back when a worker restarts. What it counted after its last answer is lost,
 * unless it left with `stop()` from `shareMetrics()`, which sends a last snapshot.
 */
export class WorkerMetrics {
  readonly #peers = new Map<object, Peer>();
  readonly #timeoutMillis: number;
  readonly #aggregationOf: AggregationOf;
  readonly #label: string;
  #retired: MetricsSnapshot = { scopes: [] };
  /** Conflicts met while retiring a worker, reported with the next scrape. */
  #pending: Error[] = [];
  #round = 0;
  #threads = 0;

  constructor(options: WorkerMetricsOptions = {}) {
    this.#timeoutMillis = options.timeoutMillis ?? 2000;
    this.#label = options.label ?? 'primary';
    const overrides = options.aggregate ?? {};
    this.#aggregationOf = (metric) => {
      const definition = findMetric(metric.name);
      return (
        overrides[metric.name] ??
        (definition ? workerAggregation(definition) : metric.type === 'gauge' ? 'perWorker' : 'sum')
      );
    };
  }

  /** Workers that called `shareMetrics()` and have not exited. */
  get size(): number {
    return this.#peers.size;
  }

  /**
   * Follows the workers of a cluster (call it in the primary, before or after forking): each is asked at
   * scrape time once its `shareMetrics()` said ready. Returns a function that stops following.
   */
  attachCluster(cluster: Cluster): () => void {
    const onMessage = (worker: ClusterWorker, message: unknown): void =>
      this.#receive(
        worker,
        message,
        () => String(worker.id),
        (m, onError) => {
          worker.send(m, (error: Error | null) => {
            if (error) onError(error);
          });
        },
      );
    const onExit = (worker: ClusterWorker): void => this.#retire(worker);
    cluster.on('message', onMessage);
    cluster.on('exit', onExit);
    // Workers forked earlier may have said ready before anyone listened.
    for (const worker of Object.values(cluster.workers ?? {})) {
      worker?.send({ fluxMetrics: 'hello' } satisfies ToWorker, () => {});
    }
    return () => {
      cluster.off('message', onMessage);
      cluster.off('exit', onExit);
    };
  }

  /**
   * A port for one worker thread: transfer it to the thread (`workerData` + `transferList`) and call
   * `shareMetrics(reader, port)` there. The thread's series get `worker="<threadId>"` where per worker.
   */
  threadPort(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    const fallback = `thread-${++this.#threads}`;
    port1.on('message', (message: unknown) =>
      this.#receive(
        port1,
        message,
        (ready) => (typeof ready === 'string' && LABEL.test(ready) ? ready : fallback),
        (m, onError) => {
          try {
            port1.postMessage(m);
          } catch (error) {
            onError(error as Error);
          }
        },
      ),
    );
    // The thread ended (or stopped sharing): its last counters stay in the sum.
    port1.on('close', () => this.#retire(port1));
    port1.unref();
    return port2;
  }

  /** Merges this process's own collection with every worker's; errors are counted by the caller. */
  async merge(own: ResourceMetrics): Promise<{ resourceMetrics: ResourceMetrics; errors: Error[] }> {
    const round = ++this.#round;
    const peers = [...this.#peers.values()];
    const answers = await Promise.all(peers.map((peer) => this.#ask(peer, round)));
    const errors = [...this.#pending.splice(0), ...answers.filter((error) => error !== undefined)];
    const inputs: WorkerSnapshot[] = [{ worker: this.#label, snapshot: decodeSnapshot(encodeSnapshot(own)) }];
    // Peers as they are now: one that exited meanwhile is in #retired already.
    for (const peer of this.#peers.values()) {
      if (!peer.last) continue;
      const snapshot = peer.answered === round ? peer.last : cumulativeOnly(peer.last, this.#aggregationOf);
      inputs.push({ worker: peer.worker, snapshot });
    }
    inputs.push({ worker: 'retired', snapshot: this.#retired });
    const merged = mergeSnapshots(inputs, this.#aggregationOf, (what) =>
      errors.push(exportError(what, 'protocol')),
    );
    return { resourceMetrics: toResourceMetrics(merged, own.resource), errors };
  }

  #ask(peer: Peer, round: number): Promise<Error | undefined> {
    return new Promise((resolve) => {
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        peer.waiting.delete(round);
        resolve(error);
      };
      const timer = setTimeout(
        () =>
          settle(
            exportError(`worker ${peer.worker} did not answer within ${this.#timeoutMillis} ms`, 'timeout'),
          ),
        this.#timeoutMillis,
      );
      peer.waiting.set(round, settle);
      peer.send({ fluxMetrics: 'collect', id: round }, settle);
    });
  }

  #receive(key: object, message: unknown, label: (ready: unknown) => string, send: Peer['send']): void {
    // The application's own messages share the channel.
    if (!isTagged(message)) return;
    if (message.fluxMetrics === 'ready') {
      if (!this.#peers.has(key)) {
        const worker = label((message as { worker?: unknown }).worker);
        this.#peers.set(key, { worker, send, waiting: new Map() });
      }
      return;
    }
    const peer = this.#peers.get(key);
    if (!peer) return;
    if (message.fluxMetrics === 'final') {
      try {
        peer.last = decodeSnapshot((message as { snapshot?: unknown }).snapshot);
      } catch (error) {
        this.#pending.push(exportError(`worker ${peer.worker}: ${(error as Error).message}`, 'protocol'));
      }
      this.#retire(key);
      return;
    }
    const id = message.id;
    const settle = typeof id === 'number' ? peer.waiting.get(id) : undefined;
    if (!settle || typeof id !== 'number') return; // late (timed out) or unasked: dropped
    if (message.fluxMetrics === 'snapshot') {
      try {
        peer.last = decodeSnapshot((message as { snapshot?: unknown }).snapshot);
        peer.answered = id;
        settle();
      } catch (error) {
        settle(exportError(`worker ${peer.worker}: ${(error as Error).message}`, 'protocol'));
      }
      return;
    }
    const reason = (message as { message?: unknown }).message;
    settle(exportError(`worker ${peer.worker} could not collect: ${String(reason)}`, 'protocol'));
  }

  #retire(key: object): void {
    const peer = this.#peers.get(key);
    if (!peer) return;
    this.#peers.delete(key);
    for (const settle of peer.waiting.values()) settle();
    if (!peer.last) return;
    const kept = cumulativeOnly(peer.last, this.#aggregationOf);
    this.#retired = mergeSnapshots(
      [
        { worker: 'retired', snapshot: this.#retired },
        { worker: peer.worker, snapshot: kept },
      ],
      this.#aggregationOf,
      (what) => this.#pending.push(exportError(what, 'protocol')),
    );
  }
}
