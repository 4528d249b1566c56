import { diag } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { threadId, type MessagePort } from 'node:worker_threads';
import { isTagged, type FromWorker } from './protocol.js';
import { encodeSnapshot } from './snapshot.js';

/** What a worker collects from: a MetricReader on its MeterProvider (`registration.prometheus.reader`). */
export type MetricSource = Pick<MetricReader, 'collect'>;

/**
 * Answers the primary's (or main thread's) collection requests with this worker's metrics, read from
 * `source` at request time. Without `port` it uses the cluster IPC channel (`process.send`: a `node:cluster`
 * worker); with `port` (from `WorkerMetrics.threadPort()` in the main thread) it serves a worker thread.
 * Returns a stop function. Throws when there is neither a port nor an IPC channel.
 */
export function shareMetrics(source: MetricSource, port?: MessagePort): () => void {
  const send = port ? sendOnPort(port) : sendOverIpc();
  const onMessage = (message: unknown): void => {
    if (!isTagged(message) || message.fluxMetrics !== 'collect' || typeof message.id !== 'number') return;
    const id = message.id;
    source.collect().then(
      ({ resourceMetrics, errors }) => {
        // A failed callback still leaves the rest worth serving, as on a single-process endpoint.
        for (const error of errors)
          diag.warn('flux-metrics: collection for the primary reported an error', error);
        send({ fluxMetrics: 'snapshot', id, snapshot: encodeSnapshot(resourceMetrics) });
      },
      (error: unknown) =>
        send({ fluxMetrics: 'error', id, message: String((error as Error)?.message ?? error) }),
    );
  };
  if (port) {
    port.on('message', onMessage);
    // The port never keeps the thread alive on its own.
    port.unref();
    send({ fluxMetrics: 'ready', worker: String(threadId) });
    return () => port.close();
  }
  process.on('message', onMessage);
  send({ fluxMetrics: 'ready' });
  return () => process.off('message', onMessage);
}

function sendOnPort(port: MessagePort): (message: FromWorker) => void {
  return (message) => {
    try {
      port.postMessage(message);
    } catch (error) {
      diag.warn('flux-metrics: could not answer the main thread', error);
    }
  };
}

function sendOverIpc(): (message: FromWorker) => void {
  if (!process.send) {
    throw new Error(
      'flux-metrics: shareMetrics() needs a node:cluster worker (an IPC channel) or a MessagePort',
    );
  }
  return (message) => {
    // The callback form: a closed channel (the primary is going away) is an error here, not an 'error' event.
    process.send?.(message, undefined, undefined, (error: Error | null) => {
      if (error) diag.warn('flux-metrics: could not answer the primary', error);
    });
  };
}
