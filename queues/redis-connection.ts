import { Redis } from 'ioredis';
import type { Config } from '../src/config/index.js';

/**
 * One ioredis connection for BullMQ. `maxRetriesPerRequest: null` is what BullMQ workers need
 * for their blocking commands; producers fail fast instead (`role: 'producer'`).
 */
export function createRedisConnection(config: Config, role: 'producer' | 'worker' = 'worker'): Redis {
  return new Redis(config.redis.url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
  });
}

/** The URL without its password, for messages and logs. */
export function redactedRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unparseable url)';
  }
}
