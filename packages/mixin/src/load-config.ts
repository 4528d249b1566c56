import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { resolveConfig, type ConfigOverrides, type MixinConfig } from './config.js';

/**
 * Reads a user's overrides: a YAML or JSON file, or a JavaScript/TypeScript module whose default export is the
 * overrides object (TypeScript needs a Node that strips types, 22.18+ or 23.6+).
 */
export async function loadConfig(path: string | undefined): Promise<MixinConfig> {
  if (path === undefined) return resolveConfig();
  const absolute = resolve(path);
  let overrides: unknown;
  if (/\.(m?js|ts|mts)$/.test(absolute)) {
    const module = (await import(pathToFileURL(absolute).href)) as { default?: unknown };
    overrides = module.default;
  } else {
    overrides = parse(readFileSync(absolute, 'utf8'));
  }
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new Error(`${path}: the mixin config must be an object (see docs/mixin.md)`);
  }
  return resolveConfig(overrides as ConfigOverrides);
}
