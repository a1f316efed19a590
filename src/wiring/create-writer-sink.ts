import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../config/index.js';
import type { Logger } from '../logger.js';
import { ClickHouseTradeSink } from '../sinks/clickhouse/clickhouse-trade-sink.js';
import { createClickHouseClient } from '../sinks/clickhouse/create-clickhouse-client.js';
import { FailoverSink } from '../sinks/failover-sink.js';

/** True when the node answers /ping (never throws). */
export async function pingNode(client: ClickHouseClient): Promise<boolean> {
  return (await client.ping().catch(() => ({ success: false }))).success;
}

/** A writer client per configured ClickHouse URL, behind one FailoverSink (primary first). */
export function createWriterSink(config: Config, log: Logger): { clients: ClickHouseClient[]; sink: FailoverSink; anyNodeAnswers(): Promise<boolean> } {
  const clients = config.clickhouse.urls.map((url) => createClickHouseClient(config, 'writer', url));
  const sink = new FailoverSink(
    clients.map((client, i) => ({ url: config.clickhouse.urls[i] as string, sink: new ClickHouseTradeSink(client, config.clickhouse.database), ping: () => pingNode(client) })),
    log,
  );
  return { clients, sink, anyNodeAnswers: async () => (await Promise.all(clients.map(pingNode))).some(Boolean) };
}
