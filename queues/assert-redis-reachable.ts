import { Redis } from 'ioredis';
import { RedisUnavailableError } from '../src/errors/index.js';
import type { Config } from '../src/config/index.js';
import { redactedRedisUrl, redisTlsOptions } from './redis-connection.js';

/**
 * Pings Redis once with a short timeout; throws REDIS_UNAVAILABLE instead of retrying forever.
 * Give `config.redis` (not only its URL) so a `rediss://` server with a private CA is reached too.
 */
export async function assertRedisReachable(target: string | Config['redis'], timeoutMs = 2_000): Promise<void> {
  const url = typeof target === 'string' ? target : target.url;
  const probe = new Redis(url, { ...(typeof target === 'string' ? {} : redisTlsOptions(target)), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new RedisUnavailableError(redactedRedisUrl(url), err);
  } finally {
    probe.disconnect();
  }
}
