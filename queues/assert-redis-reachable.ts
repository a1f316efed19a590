import { Redis } from 'ioredis';
import { RedisModeError, RedisUnavailableError } from '../src/errors/index.js';
import type { Config } from '../src/config/index.js';
import { redactedRedisUrl, redisTlsOptions } from './redis-connection.js';

/** Whether the Redis at `url` answers, and whether it is a cluster node; throws REDIS_UNAVAILABLE. */
async function probe(url: string, tls: ReturnType<typeof redisTlsOptions>, timeoutMs: number): Promise<boolean> {
  const client = new Redis(url, { ...tls, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return /cluster_enabled:1/.test(await client.info('cluster'));
  } catch (err) {
    throw new RedisUnavailableError(redactedRedisUrl(url), err);
  } finally {
    client.disconnect();
  }
}

/**
 * Pings Redis once with a short timeout; throws REDIS_UNAVAILABLE instead of retrying forever.
 * Give `config.redis` (not only its URL) so a `rediss://` server with a private CA is reached too,
 * and so a cluster node configured as a single Redis (or the reverse) fails here with
 * REDIS_CLUSTER_MISMATCH, in one line, instead of later with MOVED or CROSSSLOT errors. On a
 * cluster any seed node that answers will do: one node down must not stop every process.
 */
export async function assertRedisReachable(target: string | Config['redis'], timeoutMs = 2_000): Promise<void> {
  if (typeof target === 'string') {
    await probe(target, {}, timeoutMs);
    return;
  }
  const urls = target.cluster ? target.urls : [target.url];
  let lastError: unknown;
  for (const url of urls) {
    let clusterNode: boolean;
    try {
      clusterNode = await probe(url, redisTlsOptions(target), timeoutMs);
    } catch (err) {
      lastError = err;
      continue;
    }
    if (clusterNode !== target.cluster) throw new RedisModeError(redactedRedisUrl(url), clusterNode);
    return;
  }
  throw lastError;
}
