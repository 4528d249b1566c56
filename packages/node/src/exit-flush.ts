const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type Signal = (typeof SIGNALS)[number];

/**
 * Runs `flush` once when the process is about to end: on SIGTERM/SIGINT and on `beforeExit`. The app's own
 * signal handling is never taken over: if the app listens for the signal itself, flushing is all we do
 * and the app decides when to exit; if nobody else listens, the signal is raised again after the flush
 * so the process ends with the default behaviour (and exit code) it would have had without us.
 * Returns a function that removes the hooks.
 */
export function flushOnExit(flush: () => Promise<void>): () => void {
  let flushed: Promise<void> | undefined;
  const flushOnce = (): Promise<void> => (flushed ??= flush().catch(() => undefined));

  const onSignal = (signal: NodeJS.Signals): void => {
    // Ours runs first (see keepFirst), so every listener still attached is the app's — including a
    // `once` listener, which would already be gone had it run before us.
    const appHandlesIt = process.listenerCount(signal) > 0;
    void flushOnce().then(() => {
      if (!appHandlesIt) process.kill(process.pid, signal);
    });
  };
  const onBeforeExit = (): void => void flushOnce();

  // A listener the app adds later (even with prependListener) is moved behind ours before any signal can
  // be delivered: signals arrive from the event loop, after this microtask.
  const keepFirst = (event: string | symbol, listener: unknown): void => {
    if (listener === onSignal || !(SIGNALS as readonly (string | symbol)[]).includes(event)) return;
    queueMicrotask(() => {
      const signal = event as Signal;
      if (!process.listeners(signal).includes(onSignal)) return; // removed, or already delivered
      process.off(signal, onSignal);
      process.prependOnceListener(signal, onSignal);
    });
  };

  for (const signal of SIGNALS) process.prependOnceListener(signal, onSignal);
  process.on('newListener', keepFirst);
  process.once('beforeExit', onBeforeExit);
  return () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('newListener', keepFirst);
    process.off('beforeExit', onBeforeExit);
  };
}
