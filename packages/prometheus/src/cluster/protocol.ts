/**
 * The messages between the primary (or main thread) and its workers. They share the cluster IPC channel with
 * the application's own messages, so every one carries the `fluxMetrics` key and anything else is ignored.
 */
export type ToWorker =
  | { readonly fluxMetrics: 'collect'; readonly id: number }
  /** Asks a worker that shares to say ready again (the primary started following after it said so). */
  | { readonly fluxMetrics: 'hello' };

export type FromWorker =
  | { readonly fluxMetrics: 'ready'; readonly worker?: string }
  | { readonly fluxMetrics: 'snapshot'; readonly id: number; readonly snapshot: unknown }
  | { readonly fluxMetrics: 'error'; readonly id: number; readonly message: string }
  /** The worker stops sharing (it is leaving): keep these counters and histograms. */
  | { readonly fluxMetrics: 'final'; readonly snapshot: unknown };

type Tagged = { readonly fluxMetrics: unknown; readonly id?: unknown };

export function isTagged(message: unknown): message is Tagged {
  return typeof message === 'object' && message !== null && 'fluxMetrics' in message;
}
