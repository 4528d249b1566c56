import type { Registration } from '@flux-metrics/node';
import type { FailureKind } from './robot.js';
import type { RejectReason } from './webhook.js';

type Meter = ReturnType<NonNullable<Registration['meterProvider']>['getMeter']>;

export type WebhookResult = 'accepted' | RejectReason;

/**
 * The bridge's own metrics (flux_dingtalk_*). `target` is one of the configured robot names (or `_unknown`),
 * so every label is bounded by the config.
 */
export class BridgeMetrics {
  readonly #webhooks;
  readonly #attempts;
  readonly #notifications;
  readonly #sent;
  readonly #notShown;
  readonly #duration;

  constructor(meter: Meter | undefined, queueLengths: () => Iterable<[string, number]>) {
    const counter = (name: string, description: string) =>
      meter?.createCounter(name, { description, unit: '1' });
    this.#webhooks = counter('flux_dingtalk_webhooks_total', 'Alertmanager webhooks received, by result.');
    this.#attempts = counter(
      'flux_dingtalk_send_attempts_total',
      'Calls to DingTalk robots, by outcome (ok, network, http, too_fast, busy, rejected).',
    );
    this.#notifications = counter(
      'flux_dingtalk_notifications_total',
      'Accepted notifications by final result: delivered or dead_letter.',
    );
    this.#sent = counter(
      'flux_dingtalk_messages_sent_total',
      'Robot messages delivered (merged ones count once).',
    );
    this.#notShown = counter(
      'flux_dingtalk_alerts_not_shown_total',
      'Alerts left out of a message to stay under the size limit, or cut by Alertmanager max_alerts; counted in the text.',
    );
    this.#duration = meter?.createHistogram('flux_dingtalk_send_duration_seconds', {
      description: 'Time of one call to a DingTalk robot.',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
    });
    meter
      ?.createObservableGauge('flux_dingtalk_queue_length', {
        description: 'Messages waiting per robot.',
        unit: '1',
      })
      .addCallback((result) => {
        for (const [target, length] of queueLengths()) result.observe(length, { target });
      });
  }

  webhook(target: string, result: WebhookResult): void {
    this.#webhooks?.add(1, { target, result });
  }

  attempt(target: string, outcome: 'ok' | FailureKind, seconds: number): void {
    this.#attempts?.add(1, { target, outcome });
    this.#duration?.record(seconds, { target });
  }

  finished(target: string, result: 'delivered' | 'dead_letter', notifications: number): void {
    this.#notifications?.add(notifications, { target, result });
    if (result === 'delivered') this.#sent?.add(1, { target });
  }

  notShown(target: string, alerts: number): void {
    if (alerts > 0) this.#notShown?.add(alerts, { target });
  }
}
