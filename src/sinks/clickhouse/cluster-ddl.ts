/**
 * DDL pieces for TRADE_SYNC_CLICKHOUSE_CLUSTER (cluster and database are validated identifiers).
 *
 * Layout: on every node `<db>.<table>_local` is a Replicated*MergeTree whose ZooKeeper path
 * holds the `{shard}` macro (the replicas of a shard share it) and whose replica name is the
 * `{replica}` macro; `<db>.<table>` is a Distributed table over the cluster's local tables, for
 * reads (FINAL is applied on each shard, and a trade's copies are always on one shard).
 * The Distributed tables have no sharding key, so an INSERT into them fails on a cluster of more
 * than one shard: trade-sync writes the local tables of the shard it chooses itself.
 */

/** The replicated table behind the Distributed table `table`. */
export function localTable(table: string): string {
  return `${table}_local`;
}

/** ` ON CLUSTER <name>`, or '' on a single node. */
export function onCluster(cluster: string | undefined): string {
  return cluster === undefined ? '' : ` ON CLUSTER ${cluster}`;
}

/**
 * `Replicated<engine>('<path>', '<replica>'[, args])` for a sharded table: path
 * `/clickhouse/tables/<cluster>/{shard}/<db>/<table>` (one per shard), replica `{replica}`.
 * The same on 18.16 (ZooKeeper) and on current ClickHouse (Keeper).
 */
export function shardedEngine(cluster: string, database: string, table: string, engine: string, args: readonly string[] = []): string {
  return `Replicated${engine}(${[`'/clickhouse/tables/${cluster}/{shard}/${database}/${table}'`, "'{replica}'", ...args].join(', ')})`;
}

/**
 * An engine for a table every node of the cluster holds in full (schema_migrations): one path for
 * the whole cluster, and a replica name unique across shards from both macros (replica names
 * commonly repeat across shards: r1, r2 in every shard).
 */
export function clusterWideEngine(cluster: string, database: string, table: string, engine: string): string {
  return `Replicated${engine}('/clickhouse/tables/${cluster}/all/${database}/${table}', '{shard}-{replica}')`;
}

/** `Distributed(<cluster>, <db>, <table>_local)`, no sharding key (reads only). */
export function distributedEngine(cluster: string, database: string, table: string): string {
  return `Distributed(${cluster}, ${database}, ${localTable(table)})`;
}
