import { Redis } from 'ioredis';
import { RedisModeError, RedisUnavailableError } from '../src/errors/index.js';
import type { Config } from '../src/config/index.js';
import { redactedRedisUrl, redisTlsOptions } from './redis-connection.js';

/**
 * Pings Redis once with a short timeout; throws REDIS_UNAVAILABLE instead of retrying forever.
 * Give `config.redis` (not only its URL) so a `rediss://` server with a private CA is reached too,
 * and so a cluster node configured as a single Redis (or the reverse) fails here with
 * REDIS_CLUSTER_MISMATCH, in one line, instead of later with MOVED or CROSSSLOT errors.
 */
export async function assertRedisReachable(target: string | Config['redis'], timeoutMs = 2_000): Promise<void> {
  const url = typeof target === 'string' ? target : target.url;
  const probe = new Redis(url, { ...(typeof target === 'string' ? {} : redisTlsOptions(target)), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  let clusterNode: boolean;
  try {
    await probe.connect();
    const info = await probe.info('cluster');
    clusterNode = /cluster_enabled:1/.test(info);
  } catch (err) {
    throw new RedisUnavailableError(redactedRedisUrl(url), err);
  } finally {
    probe.disconnect();
  }
  if (typeof target !== 'string' && clusterNode !== target.cluster) throw new RedisModeError(redactedRedisUrl(url), clusterNode);
}
