// The DingTalk bridge: Alertmanager webhooks in, signed DingTalk robot messages out.
export { DingTalkBridge } from './bridge.js';
export type { BridgeOptions } from './bridge.js';
export { ConfigError, DEFAULTS, loadConfig, parseConfig, secretsOf } from './config.js';
export type { BridgeConfig, TargetConfig } from './config.js';
export { backoff, Delivery } from './delivery.js';
export { RateLimiter } from './limiter.js';
export { redactingLogger } from './log.js';
export type { Logger } from './log.js';
export { bodyBytes, robotBody } from './message.js';
export type { Mention, Message } from './message.js';
export { mergeMessages, renderNotification, titleOf } from './render.js';
export { Robot } from './robot.js';
export type { FailureKind, SendOutcome } from './robot.js';
export { sign, signedUrl } from './sign.js';
export { BadRequest, parseWebhook } from './webhook.js';
export type { WebhookAlert, WebhookPayload } from './webhook.js';
