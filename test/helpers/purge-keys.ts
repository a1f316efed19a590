import { Cluster } from 'ioredis';
import type { RedisClient } from '../../queues/redis-connection.js';
import { scanKeys } from '../../queues/scan-keys.js';

/** Unlinks every key matching `pattern` (SCAN, never KEYS; every master of a cluster): what obliterate leaves (orders, heartbeats). */
export async function purgeKeys(redis: RedisClient, pattern: string): Promise<void> {
  for await (const keys of scanKeys(redis, pattern, 1_000)) {
    if (redis instanceof Cluster) await Promise.all(keys.map((key) => redis.unlink(key))); // a page may span slots
    else await redis.unlink(...keys);
  }
}
