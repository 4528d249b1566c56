import type { MixinConfig } from '../config.js';
import type { GeneratedFile } from '../generated-file.js';

/** Alertmanager config (deploy/alertmanager/). */
export function alertmanagerFiles(_config: MixinConfig): GeneratedFile[] {
  return [];
}
