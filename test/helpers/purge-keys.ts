import type { RedisClient } from '../../queues/redis-connection.js';

/** Unlinks every key matching `pattern` (SCAN, never KEYS): what obliterate leaves (orders, heartbeats). */
export async function purgeKeys(redis: RedisClient, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}
