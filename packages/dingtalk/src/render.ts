import { clip, type Message } from './message.js';
import type { WebhookAlert, WebhookPayload } from './webhook.js';

/** Longest summary/description shown per alert, so one verbose alert cannot crowd out the others. */
const FIELD_CHARS = 1500;

export function titleOf(p: WebhookPayload): string {
  const firing = p.alerts.filter((a) => a.status === 'firing').length;
  const state = p.status === 'firing' ? `FIRING:${firing + p.truncatedAlerts}` : 'RESOLVED';
  const name = p.groupLabels.alertname ?? p.commonLabels.alertname ?? 'alerts';
  const parts = [name, p.commonLabels.severity, p.commonLabels.job].filter((s) => s);
  return clip(`[${state}] ${parts.join(' ')}`, 120);
}

function alertBlock(a: WebhookAlert): string {
  const name = a.labels.alertname ?? 'alert';
  const severity = a.labels.severity ? ` · ${a.labels.severity}` : '';
  const lines = [
    `#### ${a.status === 'resolved' ? '✅' : '🔥'} ${name}${severity} · ${a.status.toUpperCase()}`,
  ];
  if (a.annotations.summary) lines.push(`**${clip(a.annotations.summary, FIELD_CHARS)}**`);
  if (a.annotations.description) lines.push(clip(a.annotations.description, FIELD_CHARS));
  const where = ['instance', 'job'].map((l) => a.labels[l]).filter((v) => v);
  if (where.length) lines.push(`Where: ${where.join(' / ')}`);
  lines.push(a.status === 'resolved' ? `Resolved: ${a.endsAt}` : `Since: ${a.startsAt}`);
  const links = [];
  if (a.annotations.runbook_url) links.push(`[Runbook](${a.annotations.runbook_url})`);
  if (a.generatorURL) links.push(`[Prometheus](${a.generatorURL})`);
  if (links.length) lines.push(links.join(' | '));
  return lines.join('\n\n');
}

function cutNote(cut: number, p: WebhookPayload): string {
  const where = p.externalURL ? `: see [Alertmanager](${p.externalURL})` : '';
  return `\n\n---\n\n**${cut} more alert${cut === 1 ? '' : 's'} not shown**${where}`;
}

/**
 * One notification as one markdown message that `fits` (the robot's byte limit): as many alerts as fit, in
 * Alertmanager's order; the rest, and those Alertmanager cut by `max_alerts`, are counted at the end.
 */
export function renderNotification(
  p: WebhookPayload,
  fits: (m: Message) => boolean,
): { message: Message; notShown: number } {
  const title = titleOf(p);
  const head = `### ${title}`;
  const blocks = p.alerts.map(alertBlock);
  const build = (shown: number) => {
    const notShown = p.alerts.length - shown + p.truncatedAlerts;
    const body = [head, ...blocks.slice(0, shown)].join('\n\n---\n\n');
    const text = notShown > 0 ? body + cutNote(notShown, p) : body;
    return { message: { title, text, notifications: 1 }, notShown };
  };
  // Largest prefix that fits: messages hold at most a few dozen alerts, so a linear scan is cheap.
  let best = build(0);
  for (let shown = 1; shown <= blocks.length; shown++) {
    const candidate = build(shown);
    if (!fits(candidate.message)) break;
    best = candidate;
  }
  return best;
}

/**
 * Several queued messages for one robot as one (the rate limit was reached while they queued): the longest
 * prefix that still fits, and how many messages it took. At least one is always taken.
 */
export function mergeMessages(queue: readonly Message[], fits: (m: Message) => boolean): [Message, number] {
  let merged = queue[0]!;
  let taken = 1;
  for (const next of queue.slice(1)) {
    const notifications = merged.notifications + next.notifications;
    const candidate: Message = {
      title: clip(`${notifications} notifications: ${queue[0]!.title}`, 120),
      text: `${merged.text}\n\n---\n\n${next.text}`,
      notifications,
    };
    if (!fits(candidate)) break;
    merged = candidate;
    taken++;
  }
  return [merged, taken];
}
