import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../../config/index.js';
import { clickhouseTlsOption } from './clickhouse-tls-option.js';

/**
 * A ClickHouse HTTP client. `role: 'writer'` uses the INSERT-only credentials, `role: 'admin'`
 * the DDL credentials. The client's own console logging is off: errors surface as exceptions
 * that trade-sync classifies and logs through pino.
 */
export function createClickHouseClient(config: Config, role: 'writer' | 'admin' = 'writer', url = config.clickhouse.url): ClickHouseClient {
  const ch = config.clickhouse;
  return createClient({
    url,
    username: role === 'admin' ? ch.adminUser : ch.user,
    password: role === 'admin' ? ch.adminPassword : ch.password,
    request_timeout: ch.timeoutMs,
    max_open_connections: 16,
    compression: { request: false, response: false },
    log: { level: ClickHouseLogLevel.OFF },
    ...clickhouseTlsOption(ch.tls),
  });
}
