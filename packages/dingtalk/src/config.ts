import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Mention } from './message.js';

/** One DingTalk robot the bridge can post to, by name (`/dingtalk/<name>/send`). */
export interface TargetConfig {
  /** Webhook URL with its access_token: a secret, never logged. */
  readonly url: string;
  /** Signing secret (`SEC…`); without one requests are not signed. */
  readonly secret?: string;
  readonly mention: Mention;
}

export interface BridgeConfig {
  readonly listen: { readonly host: string; readonly port: number };
  readonly targets: ReadonlyMap<string, TargetConfig>;
  /** Largest webhook body accepted (413 above). */
  readonly maxBodyBytes: number;
  /** DingTalk refuses messages of 20,000 bytes or more (errcode 460101). */
  readonly maxMessageBytes: number;
  /** Per robot. DingTalk allows 20 a minute and then throttles the robot. */
  readonly rateLimit: { readonly messages: number; readonly windowMs: number };
  readonly retry: { readonly attempts: number; readonly initialDelayMs: number; readonly maxDelayMs: number };
  readonly timeoutMs: number;
  /** Messages waiting per robot; beyond it the oldest goes to the dead-letter file. */
  readonly maxQueue: number;
  /** JSON lines of messages that could not be delivered; unset: logged only. */
  readonly deadLetterFile: string | undefined;
}

export const DEFAULTS = {
  listen: { host: '127.0.0.1', port: 8060 },
  maxBodyBytes: 1024 * 1024,
  maxMessageBytes: 19_999,
  rateLimit: { messages: 20, windowMs: 60_000 },
  retry: { attempts: 6, initialDelayMs: 1000, maxDelayMs: 60_000 },
  timeoutMs: 5000,
  maxQueue: 1000,
} as const;

export class ConfigError extends Error {}

type Raw = Record<string, unknown>;
type Env = Readonly<Record<string, string | undefined>>;

const TOP_KEYS = [
  'listen',
  'targets',
  'maxBodyBytes',
  'maxMessageBytes',
  'rateLimit',
  'retry',
  'timeoutMs',
  'maxQueue',
  'deadLetterFile',
];
const TARGET_KEYS = ['url', 'urlFile', 'urlEnv', 'secretFile', 'secretEnv', 'mention'];

function object(value: unknown, where: string, keys: readonly string[]): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${where} must be a mapping`);
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key))
      throw new ConfigError(`${where}: unknown key "${key}" (known: ${keys.join(', ')})`);
  }
  return value as Raw;
}

function positive(value: unknown, where: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${where} must be a positive integer`);
  }
  return value;
}

function strings(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(`${where} must be a list`);
  return value.map((v) => String(v));
}

/** A secret from exactly one of: inline (URLs only), a file, an environment variable. Trimmed. */
function secretValue(raw: Raw, name: string, where: string, env: Env, inline: boolean): string | undefined {
  const sources = [inline ? name : '', `${name}File`, `${name}Env`].filter((k) => k && raw[k] !== undefined);
  if (sources.length > 1) throw new ConfigError(`${where}: set only one of ${sources.join(', ')}`);
  const source = sources[0];
  if (source === undefined) return undefined;
  const ref = String(raw[source]);
  if (source === name) return ref;
  if (source.endsWith('Env')) {
    const value = env[ref]?.trim();
    if (!value) throw new ConfigError(`${where}.${source}: environment variable ${ref} is not set`);
    return value;
  }
  try {
    const value = readFileSync(ref, 'utf8').trim();
    if (!value) throw new ConfigError(`${where}.${source}: ${ref} is empty`);
    return value;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${where}.${source}: cannot read ${ref} (${(err as NodeJS.ErrnoException).code})`);
  }
}

function target(name: string, value: unknown, env: Env): TargetConfig {
  const where = `targets.${name}`;
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new ConfigError(`${where}: names are letters, digits, - and _`);
  const raw = object(value, where, TARGET_KEYS);
  const url = secretValue(raw, 'url', where, env, true);
  if (!url) throw new ConfigError(`${where}: one of url, urlFile, urlEnv is required`);
  try {
    new URL(url);
  } catch {
    throw new ConfigError(`${where}: the robot URL is not a URL`);
  }
  const mention =
    raw.mention === undefined ? {} : object(raw.mention, `${where}.mention`, ['all', 'mobiles', 'userIds']);
  const secret = secretValue(raw, 'secret', where, env, false);
  return {
    url,
    ...(secret ? { secret } : {}),
    mention: {
      all: mention.all === true,
      mobiles: strings(mention.mobiles, `${where}.mention.mobiles`),
      userIds: strings(mention.userIds, `${where}.mention.userIds`),
    },
  };
}

/** Checks a parsed config document; secrets are read from their files and variables now. */
export function parseConfig(document: unknown, env: Env = process.env): BridgeConfig {
  const raw = object(document ?? {}, 'config', TOP_KEYS);
  const targets = object(raw.targets ?? {}, 'targets', Object.keys(raw.targets ?? {}));
  if (Object.keys(targets).length === 0) throw new ConfigError('targets: at least one robot is needed');
  const listen = object(raw.listen ?? {}, 'listen', ['host', 'port']);
  const rate = object(raw.rateLimit ?? {}, 'rateLimit', ['messages', 'windowMs']);
  const retry = object(raw.retry ?? {}, 'retry', ['attempts', 'initialDelayMs', 'maxDelayMs']);
  const maxMessageBytes = positive(raw.maxMessageBytes, 'maxMessageBytes', DEFAULTS.maxMessageBytes);
  if (maxMessageBytes >= 20_000)
    throw new ConfigError('maxMessageBytes must stay below 20000 (DingTalk limit)');
  return {
    listen: {
      host: typeof listen.host === 'string' ? listen.host : DEFAULTS.listen.host,
      port: listen.port === 0 ? 0 : positive(listen.port, 'listen.port', DEFAULTS.listen.port),
    },
    targets: new Map(Object.entries(targets).map(([name, value]) => [name, target(name, value, env)])),
    maxBodyBytes: positive(raw.maxBodyBytes, 'maxBodyBytes', DEFAULTS.maxBodyBytes),
    maxMessageBytes,
    rateLimit: {
      messages: positive(rate.messages, 'rateLimit.messages', DEFAULTS.rateLimit.messages),
      windowMs: positive(rate.windowMs, 'rateLimit.windowMs', DEFAULTS.rateLimit.windowMs),
    },
    retry: {
      attempts: positive(retry.attempts, 'retry.attempts', DEFAULTS.retry.attempts),
      initialDelayMs: positive(retry.initialDelayMs, 'retry.initialDelayMs', DEFAULTS.retry.initialDelayMs),
      maxDelayMs: positive(retry.maxDelayMs, 'retry.maxDelayMs', DEFAULTS.retry.maxDelayMs),
    },
    timeoutMs: positive(raw.timeoutMs, 'timeoutMs', DEFAULTS.timeoutMs),
    maxQueue: positive(raw.maxQueue, 'maxQueue', DEFAULTS.maxQueue),
    deadLetterFile: typeof raw.deadLetterFile === 'string' ? raw.deadLetterFile : undefined,
  };
}

/** Reads and checks a YAML (or JSON) config file. */
export function loadConfig(path: string, env: Env = process.env): BridgeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${path} (${(err as NodeJS.ErrnoException).code})`);
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseConfig(document, env);
}

/** Every secret value in the config, for the logger to scrub. */
export function secretsOf(config: BridgeConfig): string[] {
  const out: string[] = [];
  for (const t of config.targets.values()) {
    out.push(t.url);
    const token = new URL(t.url).searchParams.get('access_token');
    if (token) out.push(token);
    if (t.secret) out.push(t.secret);
  }
  return out;
}
