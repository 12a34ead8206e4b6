import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../lib/clock.js';
import type { MediaService } from '../modules/media/index.js';
import type { MessagesService } from '../modules/messages/index.js';

/**
 * Background upkeep: deletes temporary-mode messages when they expire (with their media), and
 * media blobs nobody can fetch any more (one-time media past expiry, uploads never attached for a
 * day). Reads already hide expired messages exactly on time; this removes them from the disk.
 */
export class Housekeeping {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly deps: {
      messages: MessagesService;
      media: MediaService;
      clock: Clock;
      log: FastifyBaseLogger;
      intervalMs?: number;
    },
  ) {}

  start(): void {
    this.stopped = false;
    this.arm(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass; tests call it after moving the fake clock. */
  async runOnce(): Promise<{ expiredMessages: number; purgedMedia: number }> {
    const expiredMessages = await this.deps.messages.expireDue();
    const purgedMedia = await this.deps.media.purge();
    return { expiredMessages, purgedMedia };
  }

  private arm(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.deps.log.error({ err: error }, 'housekeeping failed'))
        .finally(() => this.arm(this.deps.intervalMs ?? 60_000));
    }, delayMs);
    this.timer.unref();
  }
}
