const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

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
    // Our listener is removed already (once), so any listener left is the app's.
    const appHandlesIt = process.listenerCount(signal) > 0;
    void flushOnce().then(() => {
      if (!appHandlesIt) process.kill(process.pid, signal);
    });
  };
  const onBeforeExit = (): void => void flushOnce();

  for (const signal of SIGNALS) process.once(signal, onSignal);
  process.once('beforeExit', onBeforeExit);
  return () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('beforeExit', onBeforeExit);
  };
}
