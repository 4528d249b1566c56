import type { MixinConfig } from '../config.js';
import type { RouteTiming } from './config.js';
import { RECEIVER } from './receivers.js';

export const MAINTENANCE = 'maintenance-window';

export interface Route {
  readonly receiver: string;
  readonly matchers?: readonly string[];
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly mute_time_intervals?: readonly string[];
  readonly continue?: boolean;
  readonly routes?: readonly Route[];
}

function timing(t: RouteTiming) {
  return { group_wait: t.groupWait, group_interval: t.groupInterval, repeat_interval: t.repeatInterval };
}

/**
 * The routing tree: the heartbeat first (never muted, never grouped with real alerts), then one route per
 * severity. Every route but the heartbeat is muted in the maintenance window. Alerts with no or an unknown
 * severity fall through to chat rather than vanish.
 */
export function routeTree(config: MixinConfig): Route {
  const am = config.alertmanager;
  const mute = am.maintenanceWindow.length ? { mute_time_intervals: [MAINTENANCE] } : {};
  return {
    receiver: RECEIVER.chat,
    group_by: am.groupBy,
    ...timing(am.timing.warning),
    routes: [
      {
        receiver: RECEIVER.watchdog,
        matchers: [`alertname="${am.watchdog.alertname}"`],
        group_by: ['alertname'],
        ...timing(am.timing.watchdog),
      },
      { receiver: RECEIVER.page, matchers: ['severity="critical"'], ...timing(am.timing.critical), ...mute },
      { receiver: RECEIVER.chat, matchers: ['severity="warning"'], ...mute },
      { receiver: RECEIVER.none, matchers: ['severity="info"'] },
      { receiver: RECEIVER.chat, ...mute },
    ],
  };
}
