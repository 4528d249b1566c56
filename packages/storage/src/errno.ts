import { ERRNO_CODES } from '@flux-metrics/core';

export type ErrnoType = (typeof ERRNO_CODES)[number] | 'other';

const known = new Set<string>(ERRNO_CODES);

/**
 * The `errors_total` type of a storage failure, or undefined when it did not come from the filesystem.
 * Node system errors carry `syscall`; caller mistakes (ERR_INVALID_ARG_TYPE, a stream destroyed by its
 * owner) are not storage errors and are not counted.
 */
export function errnoType(error: unknown): ErrnoType | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  if (typeof code === 'string' && known.has(code)) return code as ErrnoType;
  return typeof syscall === 'string' ? 'other' : undefined;
}
