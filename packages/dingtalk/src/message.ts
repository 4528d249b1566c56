/** A DingTalk markdown message before mentions are added (the robot's targets add those when sending). */
export interface Message {
  readonly title: string;
  readonly text: string;
  /** Alertmanager notifications merged into it. */
  readonly notifications: number;
}

/** Who a target @-mentions; DingTalk only highlights a mobile number that also appears in the text. */
export interface Mention {
  readonly all?: boolean;
  readonly mobiles?: readonly string[];
  readonly userIds?: readonly string[];
}

/** The robot API's body: `msgtype: markdown` with the `at` block for mentions. */
export function robotBody(message: Message, mention: Mention = {}) {
  const mobiles = mention.mobiles ?? [];
  const userIds = mention.userIds ?? [];
  const tags = [...mobiles, ...userIds].map((m) => `@${m}`);
  if (mention.all) tags.push('@all');
  return {
    msgtype: 'markdown',
    markdown: {
      title: message.title,
      text: tags.length ? `${message.text}\n\n${tags.join(' ')}` : message.text,
    },
    at: { atMobiles: mobiles, atUserIds: userIds, isAtAll: mention.all ?? false },
  };
}

/** Bytes of the JSON body DingTalk receives: its limit (20,000 bytes) applies to the whole message. */
export function bodyBytes(message: Message, mention?: Mention): number {
  return Buffer.byteLength(JSON.stringify(robotBody(message, mention)));
}

/** Cuts a string to at most `max` characters, marking the cut. */
export function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
