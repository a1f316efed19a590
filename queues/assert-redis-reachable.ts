import { Redis } from 'ioredis';
import { RedisUnavailableError } from '../src/errors/index.js';
import { redactedRedisUrl } from './redis-connection.js';

/** Pings Redis once with a short timeout; throws REDIS_UNAVAILABLE instead of retrying forever. */
export async function assertRedisReachable(url: string, timeoutMs = 2_000): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
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
