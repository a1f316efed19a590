import { Queue } from 'bullmq';
import type { RedisClient } from '../../queues/redis-connection.js';
import { scanKeys } from '../../queues/scan-keys.js';
import type { Logger } from '../../src/logger.js';
import type { RoleBoards } from './role-boards.js';

/** A queue name, plain or hash-tagged as partitions are (`{trades.5~12}` of an earlier layout, shown as `trades.5`). */
const NAME = /^(?:[A-Za-z0-9_.-]{1,100}|\{[A-Za-z0-9_.-]{1,100}(?:~\d+)?\})$/;

/**
 * Finds queues that appear later under the BullMQ prefix (their `<prefix>:<name>:meta` key) and
 * adds them to the boards, so "any later queue" shows up without a restart (on a Redis Cluster,
 * found on whichever master holds them). Bounded: at most `maxQueues` queues are ever added.
 */
export class QueueDiscovery {
  readonly #queues: Queue[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly redis: RedisClient,
    readonly prefix: string,
    readonly boards: RoleBoards,
    readonly log: Logger,
    readonly maxQueues = 100,
  ) {}

  async scan(): Promise<string[]> {
    const added: string[] = [];
    for await (const keys of scanKeys(this.redis, `${this.prefix}:*:meta`)) {
      for (const key of keys) {
        const name = key.slice(this.prefix.length + 1, -':meta'.length);
        if (!NAME.test(name) || this.boards.has(name) || this.#queues.length >= this.maxQueues) continue;
        const queue = new Queue(name, { connection: this.redis, prefix: this.prefix });
        queue.on('error', (err) => this.log.warn({ queue: name, err: err.message }, 'queue error'));
        this.#queues.push(queue);
        this.boards.add(queue, name.replace(/^\{(.*?)(?:~\d+)?\}$/, '$1'));
        added.push(name);
      }
    }
    if (added.length > 0) this.log.info({ queues: added }, 'queues discovered');
    return added;
  }

  start(intervalMs = 30_000): void {
    void this.scan().catch(() => undefined);
    this.#timer = setInterval(() => void this.scan().catch(() => undefined), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all(this.#queues.map((q) => q.close()));
  }
}
