import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../src/config/index.js';

/** A connection to a single Redis or to a Redis Cluster (TRADE_SYNC_REDIS_CLUSTER). */
export type RedisClient = Redis | Cluster;

/**
 * One ioredis connection for BullMQ and trade-sync's own state. `maxRetriesPerRequest: null` is
 * what BullMQ workers need for their blocking commands; producers fail fast instead
 * (`role: 'producer'`). With TRADE_SYNC_REDIS_CLUSTER it is an ioredis `Cluster` over the seed
 * nodes of TRADE_SYNC_REDIS_URL (credentials and TLS from the first URL).
 */
export function createRedisConnection(config: Config, role: 'producer' | 'worker' = 'worker'): RedisClient {
  const options: RedisOptions = {
    ...redisTlsOptions(config.redis),
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
  };
  if (!config.redis.cluster) return new Redis(config.redis.url, options);
  const first = new URL(config.redis.url);
  const nodes = config.redis.urls.map((url) => {
    const u = new URL(url);
    return { host: u.hostname, port: Number(u.port || 6379) };
  });
  return new Cluster(nodes, {
    redisOptions: {
      ...options,
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    },
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
  if (tls === undefined) {
    // ioredis takes `rediss://` from a URL only; cluster nodes are given as host and port.
    return redis.cluster && redis.url.startsWith('rediss:') ? { tls: {} } : {};
  }
  return { tls: { ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}) } };
}
