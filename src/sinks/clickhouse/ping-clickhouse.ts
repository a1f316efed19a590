import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseError } from '../../errors/index.js';

/** Throws CLICKHOUSE_UNAVAILABLE (one line, naming the URL) unless the server answers /ping. */
export async function pingClickHouse(client: ClickHouseClient, url: string): Promise<void> {
  const result = await client.ping();
  if (!result.success) {
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new ClickHouseError('CLICKHOUSE_UNAVAILABLE', `cannot reach ClickHouse at ${url}: ${reason}`, { retriable: true });
  }
}
