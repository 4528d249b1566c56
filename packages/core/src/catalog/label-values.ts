import type { LabelRule } from './types.js';

/** Bounded label vocabularies shared by the catalog, the helpers, alerts and dashboards. */

export const PROTOCOLS = ['rtsp', 'srt', 'http', 'file'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const STOP_REASONS = [
  'teardown',
  'timeout',
  'error',
  'kicked',
  'disconnected',
  'shutdown',
  'other',
] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export const COMPONENTS = ['http', 'rtsp', 'srt', 'storage', 'system', 'metrics', 'app'] as const;
export type Component = (typeof COMPONENTS)[number];

/** errno codes a recording path can meet; anything else is counted as `other`. */
export const ERRNO_CODES = [
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOENT',
  'EEXIST',
  'EBADF',
  'EMFILE',
  'ENFILE',
  'EFBIG',
  'EBUSY',
  'EISDIR',
  'ENOTDIR',
  'EINVAL',
  'ENAMETOOLONG',
  'EAGAIN',
] as const;

/** Error classes: protocol-level kinds plus errno codes for storage. */
export const ERROR_TYPES = [
  'timeout',
  'protocol',
  'not_found',
  'unsupported',
  'auth',
  'network',
  'connection_reset',
  'overload',
  'invalid_input',
  'internal',
  ...ERRNO_CODES,
  'other',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

export const HTTP_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'CONNECT',
  'TRACE',
  '_OTHER',
] as const;

export const RTSP_METHODS = [
  'OPTIONS',
  'DESCRIBE',
  'ANNOUNCE',
  'SETUP',
  'PLAY',
  'PAUSE',
  'RECORD',
  'TEARDOWN',
  'GET_PARAMETER',
  'SET_PARAMETER',
  'REDIRECT',
  'PLAY_NOTIFY',
  '_OTHER',
] as const;

/** RTSP session roles: a player (PLAY) or a publisher (ANNOUNCE/RECORD). */
export const RTSP_MODES = ['play', 'record'] as const;

export const DIRECTIONS = ['send', 'receive'] as const;
export const IO_DIRECTIONS = ['read', 'write'] as const;

export const MEMORY_TYPES = ['used', 'rss', 'heap_used', 'heap_total', 'external'] as const;

export const STORAGE_OPERATIONS = ['open', 'read', 'write', 'sync', 'close', 'stat', 'unlink'] as const;

/** libsrt SRT_REJ_* reject reasons, lower-case, plus connection-level failures seen by srt-live-transmit. */
export const SRT_REJECT_REASONS = [
  'unknown',
  'system',
  'peer',
  'resource',
  'rogue',
  'backlog',
  'ipe',
  'close',
  'version',
  'rdvcookie',
  'badsecret',
  'unsecure',
  'messageapi',
  'congestion',
  'filter',
  'group',
  'timeout',
  'crypto',
  'other',
] as const;

export const INVALID_REASONS = ['nan', 'infinite', 'negative', 'not_a_number', 'unknown_metric'] as const;

export const enumOf = (values: readonly string[], fallback = 'other'): LabelRule => ({
  kind: 'enum',
  values,
  fallback,
});

/** Common label rules, reused so a vocabulary is written once. */
export const LABEL = {
  protocol: enumOf(PROTOCOLS),
  streamName: { kind: 'stream' } as LabelRule,
  stopReason: enumOf(STOP_REASONS),
  errorType: enumOf(ERROR_TYPES),
  component: enumOf(COMPONENTS),
  httpMethod: enumOf(HTTP_METHODS, '_OTHER'),
  rtspMethod: enumOf(RTSP_METHODS, '_OTHER'),
  rtspMode: enumOf(RTSP_MODES),
  status: { kind: 'status' } as LabelRule,
  route: { kind: 'route' } as LabelRule,
  direction: enumOf(DIRECTIONS),
  ioDirection: enumOf(IO_DIRECTIONS),
  memoryType: enumOf(MEMORY_TYPES),
  storageOperation: enumOf(STORAGE_OPERATIONS),
  srtRejectReason: enumOf(SRT_REJECT_REASONS),
  /** Operator-configured names (disk paths, volumes, devices): a handful, never from the network. */
  configured: { kind: 'text', maxValues: 64 } as LabelRule,
} as const;
