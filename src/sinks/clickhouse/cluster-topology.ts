import { ClusterTopologyError } from '../../errors/index.js';
import type { ClusterNodeProbe } from './probe-cluster-node.js';

/** Which configured node URLs serve which shard of the cluster. */
export interface ClusterTopology {
  readonly cluster: string;
  /** Shards of the cluster; `shardOf(symbol, shardCount)` is the index into `shards`. */
  readonly shardCount: number;
  /** Per shard, in shard-number order: the URLs of its configured replicas that answered, in configuration order. */
  readonly shards: readonly (readonly string[])[];
  /** Configured URLs that did not answer: their shard is not known yet (an empty shard may be theirs). */
  readonly unresolved: readonly string[];
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Groups node URLs by shard from their probes (in configuration order), and refuses any
 * configuration that would put a symbol's rows on the wrong replicas, with one line naming the
 * node(s) and what to fix. A shard with no URL is an error only once every configured node has
 * answered (until then it may be an unresolved node's). Pure: tested in test/unit/cluster-topology.test.ts.
 */
export function buildTopology(cluster: string, probes: readonly ClusterNodeProbe[], unresolved: readonly string[]): ClusterTopology {
  for (const p of probes) {
    if (p.shardNums.length === 0) {
      throw new ClusterTopologyError('CLICKHOUSE_CLUSTER_UNKNOWN', `ClickHouse at ${p.url} has no cluster "${cluster}" in system.clusters: define it in <remote_servers> or fix TRADE_SYNC_CLICKHOUSE_CLUSTER`);
    }
    const missing = [p.shardMacro === undefined ? 'shard' : '', p.replicaMacro === undefined ? 'replica' : ''].filter(Boolean);
    if (missing.length > 0) {
      throw new ClusterTopologyError('CLICKHOUSE_SHARD_MACRO_MISSING', `ClickHouse at ${p.url} defines no ${missing.join(' or ')} macro: add <macros><shard>…</shard><replica>…</replica></macros> to its config`);
    }
    if (p.localShards.length === 0) {
      throw new ClusterTopologyError('CLICKHOUSE_NODE_NOT_IN_CLUSTER', `ClickHouse at ${p.url} is not a replica of cluster "${cluster}" (none of its shards is local to it): remove the URL or add the node to <remote_servers>`);
    }
    if (p.localShards.length > 1) {
      throw new ClusterTopologyError('CLICKHOUSE_CLUSTER_INCONSISTENT', `ClickHouse at ${p.url} is a replica of shards ${p.localShards.join(' and ')} of cluster "${cluster}": a node may serve one shard only`);
    }
  }
  const [first] = probes;
  if (first === undefined) return { cluster, shardCount: 0, shards: [], unresolved };
  const other = probes.find((p) => !same(p.shardNums, first.shardNums));
  if (other !== undefined) {
    throw new ClusterTopologyError('CLICKHOUSE_CLUSTER_INCONSISTENT', `ClickHouse nodes disagree about cluster "${cluster}": ${first.url} has shards ${first.shardNums.join(',')}, ${other.url} has ${other.shardNums.join(',')}`);
  }
  const macroOf = new Map<number, ClusterNodeProbe>();
  const shardOfMacro = new Map<string, ClusterNodeProbe>();
  for (const p of probes) {
    const num = p.localShards[0] as number;
    const macro = p.shardMacro as string;
    const seen = macroOf.get(num) ?? p;
    const seenMacro = shardOfMacro.get(macro) ?? p;
    if (seen.shardMacro !== macro) {
      throw new ClusterTopologyError('CLICKHOUSE_CLUSTER_INCONSISTENT', `replicas of shard ${num} have different shard macros ("${seen.shardMacro}" at ${seen.url}, "${macro}" at ${p.url}): their tables would not replicate`);
    }
    if (seenMacro.localShards[0] !== num) {
      throw new ClusterTopologyError('CLICKHOUSE_CLUSTER_INCONSISTENT', `shards ${seenMacro.localShards[0]} (${seenMacro.url}) and ${num} (${p.url}) have the same shard macro "${macro}": their tables would replicate into one`);
    }
    macroOf.set(num, p);
    shardOfMacro.set(macro, p);
  }
  const shards = first.shardNums.map((num) => probes.filter((p) => p.localShards[0] === num).map((p) => p.url));
  const empty = shards.findIndex((urls) => urls.length === 0);
  if (empty >= 0 && unresolved.length === 0) {
    throw new ClusterTopologyError(
      'CLICKHOUSE_SHARD_UNCOVERED',
      `shard ${first.shardNums[empty]} of cluster "${cluster}" has no URL in TRADE_SYNC_CLICKHOUSE_URL, so its trades could not be written: list at least one replica of every shard`,
    );
  }
  return { cluster, shardCount: first.shardNums.length, shards, unresolved };
}
