import { appendFile } from 'node:fs/promises';
import type { Logger } from './log.js';
import type { Message } from './message.js';

/** Messages given up on: appended as JSON lines (`time`, `target`, `reason`, `title`, `text`), never the URL. */
export class DeadLetters {
  constructor(
    readonly file: string | undefined,
    readonly log: Logger,
  ) {}

  async write(target: string, reason: string, message: Message): Promise<void> {
    this.log.error(`target ${target}: gave up on "${message.title}" (${reason})`);
    if (!this.file) return;
    const line = JSON.stringify({ time: new Date().toISOString(), target, reason, ...message });
    try {
      await appendFile(this.file, `${line}\n`);
    } catch (err) {
      this.log.error(`dead-letter file not writable: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
}
