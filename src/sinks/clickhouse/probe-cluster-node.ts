import type { ClickHouseClient } from '@clickhouse/client';

/** What one ClickHouse node says about itself and the cluster: its macros and the shards it knows. */
export interface ClusterNodeProbe {
  readonly url: string;
  /** Its `shard` macro (part of the replicated tables' ZooKeeper path), or undefined when it has none. */
  readonly shardMacro: string | undefined;
  /** Its `replica` macro, or undefined when it has none. */
  readonly replicaMacro: string | undefined;
  /** Shard numbers (1-based) of the cluster in this node's `<remote_servers>`; empty when it does not define the cluster. */
  readonly shardNums: readonly number[];
  /** The shard numbers that are local to this node (system.clusters `is_local`): one for a cluster member. */
  readonly localShards: readonly number[];
}

/**
 * Reads system.macros and system.clusters on one node (both exist on 18.16 and on current
 * servers; 18.16 sets `is_local` on every row of the node's own shard, current servers on its
 * own replica row: either way the shard with a local row is the node's). `cluster` is a
 * validated identifier.
 */
export async function probeClusterNode(client: ClickHouseClient, url: string, cluster: string): Promise<ClusterNodeProbe> {
  const [macros, shards] = await Promise.all([
    client.query({ query: 'SELECT macro, substitution FROM system.macros', format: 'JSONEachRow' }).then((r) => r.json<{ macro: string; substitution: string }>()),
    client
      .query({ query: `SELECT shard_num, max(is_local) AS local FROM system.clusters WHERE cluster = '${cluster}' GROUP BY shard_num ORDER BY shard_num`, format: 'JSONEachRow' })
      .then((r) => r.json<{ shard_num: number | string; local: number | string }>()),
  ]);
  const macro = (name: string) => macros.find((m) => m.macro === name)?.substitution;
  return {
    url,
    shardMacro: macro('shard'),
    replicaMacro: macro('replica'),
    shardNums: shards.map((s) => Number(s.shard_num)),
    localShards: shards.filter((s) => Number(s.local) > 0).map((s) => Number(s.shard_num)),
  };
}
