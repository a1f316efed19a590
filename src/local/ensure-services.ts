import { join } from 'node:path';
import { assertRedisReachable } from '../../queues/index.js';
import type { Config } from '../config/index.js';
import { ClickHouseError, RedisUnavailableError } from '../errors/index.js';
import { createClickHouseClient } from '../sinks/clickhouse/create-clickhouse-client.js';
import { pingClickHouse } from '../sinks/clickhouse/ping-clickhouse.js';
import { freePort } from './free-port.js';
import { startLocalClickHouse, type LocalClickHouse } from './local-clickhouse.js';
import { startLocalRedis, type LocalRedis } from './local-redis.js';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a service URL points at this machine (then `up` may install and start it). */
export function isLocalUrl(url: string): boolean {
  try {
    return LOCAL_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

function localPort(url: string, fallback: number): number | undefined {
  const parsed = new URL(url);
  return LOCAL_HOSTS.has(parsed.hostname) ? Number(parsed.port || fallback) : undefined;
}

/** Redis at the configured URL, or a local redis-server started on its port when it is local and down. */
export async function ensureRedis(config: Config): Promise<LocalRedis | undefined> {
  try {
    await assertRedisReachable(config.redis);
    return undefined;
  } catch (err) {
    const port = localPort(config.redis.url, 6379);
    if (port === undefined || !(err instanceof RedisUnavailableError)) throw err;
    return startLocalRedis(port).catch(() => {
      throw err;
    });
  }
}

/** ClickHouse at the configured URL, or a local clickhouse-server (data in `stateDir`) when it is local and down. */
export async function ensureClickHouse(config: Config, stateDir: string): Promise<LocalClickHouse | undefined> {
  const client = createClickHouseClient(config, 'admin');
  try {
    await pingClickHouse(client, config.clickhouse.url);
    return undefined;
  } catch (err) {
    const port = localPort(config.clickhouse.url, 8123);
    if (port === undefined) throw err;
    try {
      return await startLocalClickHouse({ dir: join(stateDir, 'clickhouse'), httpPort: port, tcpPort: await freePort() });
    } catch (startErr) {
      throw new ClickHouseError(
        'CLICKHOUSE_UNAVAILABLE',
        `ClickHouse is not reachable at ${config.clickhouse.url} and could not be started (${(startErr as Error).message}); install it with: apt-get install -y clickhouse-server`,
      );
    }
  } finally {
    await client.close();
  }
}
