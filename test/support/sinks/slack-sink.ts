import { startHttpSink } from './http-sink.ts';

/** What Alertmanager's Slack notifier posts (the fields the templates fill). */
export interface SlackMessage {
  readonly receivedAt: number;
  readonly path: string;
  readonly channel?: string;
  readonly attachments: { title?: string; text?: string; color?: string }[];
}

/** A Slack incoming-webhook stand-in: records every JSON post and answers `ok` like Slack. */
export async function startSlackSink() {
  const messages: SlackMessage[] = [];
  const sink = await startHttpSink((req, body, res) => {
    try {
      const json = JSON.parse(body) as Omit<SlackMessage, 'receivedAt' | 'path'>;
      messages.push({
        ...json,
        attachments: json.attachments ?? [],
        receivedAt: Date.now(),
        path: req.url ?? '',
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } catch {
      res.writeHead(400).end('invalid_payload');
    }
  });
  return { ...sink, messages };
}
