import { Cluster } from 'ioredis';
import type { RedisClient } from './redis-connection.js';

/**
 * Keys matching `pattern`, a SCAN page at a time (never KEYS). On a Redis Cluster every master is
 * scanned (a SCAN sent through the cluster client reaches one node only); keys of one page may
 * then lie in different slots, so act on them one key (or one slot) at a time.
 */
export async function* scanKeys(redis: RedisClient, pattern: string, count = 500): AsyncGenerator<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}
