import { Cluster } from 'ioredis';
import type { Redis } from 'ioredis';
import type { RedisClient } from '../../queues/redis-connection.js';

/**
 * Unlinks every key matching `pattern` (SCAN, never KEYS): what obliterate leaves (orders,
 * heartbeats). On a Redis Cluster it scans every master and unlinks key by key (keys of one
 * SCAN page may sit in different slots).
 */
export async function purgeKeys(redis: RedisClient, pattern: string): Promise<void> {
  if (redis instanceof Cluster) {
    for (const node of redis.nodes('master')) await purgeOn(node, pattern, true);
    return;
  }
  await purgeOn(redis, pattern, false);
}

async function purgeOn(redis: Redis, pattern: string, oneByOne: boolean): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    cursor = next;
    if (keys.length === 0) continue;
    if (oneByOne) for (const key of keys) await redis.unlink(key);
    else await redis.unlink(...keys);
  } while (cursor !== '0');
}
