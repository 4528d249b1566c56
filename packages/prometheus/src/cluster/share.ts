import { diag } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { threadId, type MessagePort } from 'node:worker_threads';
import { isTagged, type FromWorker } from './protocol.js';
import { encodeSnapshot } from './snapshot.js';

/** What a worker collects from: a MetricReader on its MeterProvider (`registration.prometheus.reader`). */
export type MetricSource = Pick<MetricReader, 'collect'>;

type Send = (message: FromWorker) => Promise<void>;

/**
 * Answers the primary's (or main thread's) collection requests with this worker's metrics, read from
 * `source` at request time. Without `port` it uses the cluster IPC channel (`process.send`: a `node:cluster`
 * worker); with `port` (from `WorkerMetrics.threadPort()` in the main thread) it serves a worker thread.
 * Throws when there is neither a port nor an IPC channel.
 *
 * Returns `stop`: it sends a last snapshot, which the primary keeps in its sums, and stops answering. Call it
 * when the worker leaves on purpose (graceful restart), so nothing it counted since the last scrape is lost.
 */
export function shareMetrics(source: MetricSource, port?: MessagePort): () => Promise<void> {
  const send = port ? sendOnPort(port) : sendOverIpc();
  const snapshot = async (): Promise<unknown> => {
    const { resourceMetrics, errors } = await source.collect();
    // A failed callback still leaves the rest worth serving, as on a single-process endpoint.
    for (const error of errors)
      diag.warn('flux-metrics: collection for the primary reported an error', error);
    return encodeSnapshot(resourceMetrics);
  };
  const ready = (): Promise<void> =>
    send({ fluxMetrics: 'ready', ...(port ? { worker: String(threadId) } : {}) });
  const onMessage = (message: unknown): void => {
    if (isTagged(message) && message.fluxMetrics === 'hello') void ready();
    if (!isTagged(message) || message.fluxMetrics !== 'collect' || typeof message.id !== 'number') return;
    const id = message.id;
    snapshot().then(
      (s) => send({ fluxMetrics: 'snapshot', id, snapshot: s }),
      (error: unknown) =>
        send({ fluxMetrics: 'error', id, message: String((error as Error)?.message ?? error) }),
    );
  };
  const detach = port
    ? () => port.close()
    : () => {
        process.off('message', onMessage);
      };
  if (port) {
    port.on('message', onMessage);
    // The port never keeps the thread alive on its own.
    port.unref();
  } else {
    process.on('message', onMessage);
  }
  void ready();
  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= snapshot()
      .then((s) => send({ fluxMetrics: 'final', snapshot: s }))
      .catch((error: unknown) => diag.warn('flux-metrics: no last snapshot for the primary', error))
      .finally(detach));
}

function sendOnPort(port: MessagePort): Send {
  return async (message) => {
    try {
      port.postMessage(message);
    } catch (error) {
      diag.warn('flux-metrics: could not answer the main thread', error);
    }
  };
}

function sendOverIpc(): Send {
  if (!process.send) {
    throw new Error(
      'flux-metrics: shareMetrics() needs a node:cluster worker (an IPC channel) or a MessagePort',
    );
  }
  return (message) =>
    new Promise((resolve) => {
      // The callback form: a closed channel (the primary is going away) is an error here, not an 'error' event.
      const sent = process.send?.(message, undefined, undefined, (error: Error | null) => {
        if (error) diag.warn('flux-metrics: could not answer the primary', error);
        resolve();
      });
      if (sent === undefined) resolve();
    });
}
