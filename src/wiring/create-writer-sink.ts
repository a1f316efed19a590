import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../config/index.js';
import type { Logger } from '../logger.js';
import { ClickHouseTradeSink } from '../sinks/clickhouse/clickhouse-trade-sink.js';
import { ClusterTopologyResolver } from '../sinks/clickhouse/cluster-topology-resolver.js';
import { createClickHouseClient } from '../sinks/clickhouse/create-clickhouse-client.js';
import { localTable } from '../sinks/clickhouse/cluster-ddl.js';
import { FailoverSink } from '../sinks/failover-sink.js';
import { ShardedSink } from '../sinks/sharded-sink.js';
import type { TradeSink } from '../sinks/trade-sink.js';

/** True when the node answers /ping (never throws). */
export async function pingNode(client: ClickHouseClient): Promise<boolean> {
  return (await client.ping().catch(() => ({ success: false }))).success;
}

/** The sink a worker inserts through, and where its inserts go now (for its heartbeat). */
export type WriterSink = TradeSink & { readonly currentUrl: string };

export interface WriterSinkParts {
  /** A writer client per configured URL, in configuration order. */
  readonly clients: ClickHouseClient[];
  readonly sink: WriterSink;
  /** With TRADE_SYNC_CLICKHOUSE_CLUSTER: which node serves which shard (shared with the order sink). */
  readonly topology: ClusterTopologyResolver | undefined;
  anyNodeAnswers(): Promise<boolean>;
}

/**
 * A writer client per configured ClickHouse URL. On a single node: one FailoverSink (primary
 * first) into `<db>.trades`. With a cluster: a ShardedSink that writes each symbol's rows into
 * `<db>.trades_local` on a replica of its shard.
 */
export function createWriterSink(config: Config, log: Logger): WriterSinkParts {
  const { urls, database, cluster } = config.clickhouse;
  const clients = urls.map((url) => createClickHouseClient(config, 'writer', url));
  const table = cluster === undefined ? 'trades' : localTable('trades');
  const nodes = clients.map((client, i) => ({ url: urls[i] as string, sink: new ClickHouseTradeSink(client, database, undefined, table), ping: () => pingNode(client) }));
  const anyNodeAnswers = async () => (await Promise.all(clients.map(pingNode))).some(Boolean);
  if (cluster === undefined) return { clients, sink: new FailoverSink(nodes, log), topology: undefined, anyNodeAnswers };
  const topology = new ClusterTopologyResolver(cluster, clients.map((client, i) => ({ url: urls[i] as string, client })), log);
  return { clients, sink: new ShardedSink({ nodes, topology: () => topology.get(), log }), topology, anyNodeAnswers };
}
