import type { BridgeConfig } from './config.js';
import type { DeadLetters } from './dead-letter.js';
import { RateLimiter } from './limiter.js';
import type { Logger } from './log.js';
import type { Message } from './message.js';
import type { BridgeMetrics } from './metrics.js';
import { mergeMessages } from './render.js';
import type { Robot } from './robot.js';

export interface DeliveryDeps {
  readonly name: string;
  readonly robot: Robot;
  readonly config: BridgeConfig;
  readonly deadLetters: DeadLetters;
  readonly metrics: BridgeMetrics;
  readonly log: Logger;
}

/**
 * The send queue of one robot. At most `rateLimit.messages` per window: what queues meanwhile is merged into
 * one message (up to the size limit). Network errors, 5xx and retryable errcodes are retried with
 * exponential backoff; "send too fast" (130101) also marks the robot's window as used up. After
 * `retry.attempts` tries, or on a permanent refusal, the message goes to the dead-letter file.
 */
export class Delivery {
  readonly #pending: Message[] = [];
  readonly #limiter: RateLimiter;
  #running: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #stopped = false;
  /** Queued messages merged into the request in flight (the head of the queue). */
  #sending = 0;

  constructor(readonly deps: DeliveryDeps) {
    this.#limiter = new RateLimiter(deps.config.rateLimit.messages, deps.config.rateLimit.windowMs);
  }

  get length(): number {
    return this.#pending.length;
  }

  enqueue(message: Message): void {
    this.#pending.push(message);
    if (this.#pending.length > this.deps.config.maxQueue) {
      // The oldest message that is not part of the request in flight.
      const [oldest] = this.#pending.splice(this.#sending, 1);
      if (oldest) void this.#giveUp(oldest, 'queue full');
    }
    this.#start();
  }

  #start(): void {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
      // Whatever arrived while the loop was finishing still gets sent.
      if (this.#pending.length && !this.#stopped) this.#start();
    });
  }

  /** Stops after the current attempt; what is still queued is written to the dead-letter file. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#running;
    for (const message of this.#pending.splice(0)) await this.#giveUp(message, 'bridge stopped');
  }

  async #run(): Promise<void> {
    const { robot, config, metrics, log, name } = this.deps;
    const fits = (m: Message) => robot.bytes(m) <= config.maxMessageBytes;
    let failures = 0;
    while (this.#pending.length && !this.#stopped) {
      const wait = this.#limiter.waitMs();
      if (wait > 0) {
        await this.#sleep(wait);
        continue;
      }
      const [message, taken] = mergeMessages(this.#pending, fits);
      this.#limiter.record();
      const started = performance.now();
      this.#sending = taken;
      const outcome = await robot.send(message).finally(() => (this.#sending = 0));
      metrics.attempt(name, outcome.ok ? 'ok' : outcome.kind, (performance.now() - started) / 1000);
      if (outcome.ok) {
        this.#pending.splice(0, taken);
        metrics.finished(name, 'delivered', message.notifications);
        if (failures) log.info(`target ${name}: delivered after ${failures} failed attempt(s)`);
        failures = 0;
        continue;
      }
      failures++;
      if (outcome.kind === 'too_fast') this.#limiter.saturate();
      if (!outcome.retry || failures >= config.retry.attempts) {
        this.#pending.splice(0, taken);
        failures = 0;
        await this.#giveUp(message, `${outcome.kind}: ${outcome.detail}`);
        continue;
      }
      const delay = backoff(failures, config.retry.initialDelayMs, config.retry.maxDelayMs);
      log.warn(`target ${name}: ${outcome.kind} (${outcome.detail}); retry ${failures} in ${delay} ms`);
      await this.#sleep(delay);
    }
  }

  async #giveUp(message: Message, reason: string): Promise<void> {
    this.deps.metrics.finished(this.deps.name, 'dead_letter', message.notifications);
    await this.deps.deadLetters.write(this.deps.name, reason, message);
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}

/** Exponential backoff with ±20 % jitter, so robots that failed together do not retry in lockstep. */
export function backoff(attempt: number, initialMs: number, maxMs: number): number {
  const base = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
