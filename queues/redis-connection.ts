import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis } from 'ioredis';
import type { Config } from '../src/config/index.js';

export type RedisClient = Redis | Cluster;

/**
 * One ioredis connection for BullMQ. `maxRetriesPerRequest: null` is what BullMQ workers need
 * for their blocking commands; producers fail fast instead (`role: 'producer'`).
 */
export function createRedisConnection(config: Config, role: 'producer' | 'worker' = 'worker'): Redis {
  return new Redis(config.redis.url, {
    ...redisTlsOptions(config.redis),
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

/**
 * ioredis `tls` options for a `rediss://` URL with TRADE_SYNC_REDIS_TLS_* files (CA, client
 * certificate and key); `{}` otherwise (a plain `rediss://` URL still uses TLS with the system CAs).
 */
export function redisTlsOptions(redis: Config['redis']): { tls?: ConnectionOptions } {
  const tls = redis.tls;
  if (tls === undefined) return {};
  return { tls: { ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}) } };
}
