// The DingTalk bridge: Alertmanager webhooks in, signed DingTalk robot messages out.
export {};
