import type { MixinConfig } from '../config.js';

/**
 * The config the rules are generated from: in the `fast` profile (end-to-end tests only) the rate interval is
 * the short one, so alerts and the recording rules they read react within seconds.
 */
export function ruleConfig(config: MixinConfig): MixinConfig {
  return config.alerts.profile === 'fast'
    ? { ...config, rateInterval: config.alerts.fastRateInterval }
    : config;
}
