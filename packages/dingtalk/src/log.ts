/** Where the bridge reports what happened: one line per event. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * A logger that writes `level message` lines and replaces every known secret (robot URLs, access tokens,
 * signing secrets) with `<redacted>`, whatever a message happens to quote.
 */
export function redactingLogger(
  secrets: readonly string[],
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Logger {
  const known = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  const scrub = (message: string) =>
    known.reduce((text, secret) => text.replaceAll(secret, '<redacted>'), message);
  const line = (level: string) => (message: string) =>
    write(`${new Date().toISOString()} ${level} ${scrub(message)}`);
  return { info: line('info'), warn: line('warn'), error: line('error') };
}
