import { ClickHouseError } from '../errors/index.js';
import type { Logger } from '../logger.js';
import type { ClusterTopology } from './clickhouse/cluster-topology.js';
import { splitEncodedBatch } from './clickhouse/split-encoded-batch.js';
import { FailoverSink, type SinkNode } from './failover-sink.js';
import { groupBySymbol } from '../partitions/group-by-symbol.js';
import { writeEveryShard } from './write-every-shard.js';
import type { TradeRow } from './trade-row.js';
import type { EncodedBatch, TradeSink } from './trade-sink.js';

export interface ShardedSinkOptions {
  /** Every configured node, in configuration order, each inserting into its own local replicated table. */
  readonly nodes: readonly SinkNode[];
  /** Which node serves which shard (ClusterTopologyResolver.get). */
  readonly topology: () => Promise<ClusterTopology>;
  readonly log: Logger;
  /** How often a shard's FailoverSink pings its first replica while on another. */
  readonly recheckMs?: number;
}

/**
 * A ClickHouse cluster behind one sink: each row goes to the shard of its symbol
 * (`shardOf(symbol, shardCount)`), on one replica of that shard through a FailoverSink of the
 * shard's configured replicas (a replica that does not answer is skipped for the next one). A
 * batch becomes one request per shard, sent in parallel; the call throws the first shard's error
 * (in shard order) once every request has ended, so a retry re-sends the same rows in the same
 * order to the same shard, and replicated block deduplication drops what a shard already took.
 */
export class ShardedSink implements TradeSink {
  readonly #nodes: ReadonlyMap<string, SinkNode>;
  readonly #topology: () => Promise<ClusterTopology>;
  readonly #log: Logger;
  readonly #recheckMs: number | undefined;
  /** One FailoverSink per shard, keyed by its replicas' URLs (rebuilt when a replica is discovered late). */
  readonly #shards = new Map<string, FailoverSink>();
  #last: ClusterTopology | undefined;

  constructor(options: ShardedSinkOptions) {
    this.#nodes = new Map(options.nodes.map((n) => [n.url, n]));
    this.#topology = options.topology;
    this.#log = options.log.child({ component: 'sharded-sink' });
    this.#recheckMs = options.recheckMs;
  }

  /** Each shard's current replica (`1=<url> 2=<url>`), '' before the topology is known. */
  get currentUrl(): string {
    const last = this.#last;
    if (last === undefined) return '';
    return last.shards.map((urls, i) => `${i + 1}=${this.#shards.get(urls.join(','))?.currentUrl ?? urls[0] ?? 'none'}`).join(' ');
  }

  async insert(rows: readonly TradeRow[]): Promise<void> {
    if (rows.length === 0) return;
    const topology = await this.#resolve();
    const groups = groupBySymbol(rows, topology.shardCount, (r) => r.trade.symbol).map((g) => (g.length === 0 ? undefined : g));
    await writeEveryShard(groups, (group, shard) => this.#shardSink(topology, shard).insert(group));
  }

  async insertEncoded(batch: EncodedBatch): Promise<void> {
    if (batch.tradeIds.length === 0) return;
    const topology = await this.#resolve();
    const parts = splitEncodedBatch(batch, topology.shardCount);
    const nonEmpty = parts.map((p) => (p.tradeIds.length === 0 ? undefined : p));
    await writeEveryShard(nonEmpty, (part, shard) => this.#shardSink(topology, shard).insertEncoded(part));
  }

  async #resolve(): Promise<ClusterTopology> {
    this.#last = await this.#topology();
    return this.#last;
  }

  #shardSink(topology: ClusterTopology, index: number): FailoverSink {
    const urls = topology.shards[index] ?? [];
    const key = urls.join(',');
    let sink = this.#shards.get(key);
    if (sink === undefined) {
      const nodes = urls.map((url) => this.#nodes.get(url)).filter((n): n is SinkNode => n !== undefined);
      if (nodes.length === 0) {
        // Only while a configured replica is unresolved (down since start-up); a transient failure.
        throw new ClickHouseError('CLICKHOUSE_UNAVAILABLE', `no configured replica of shard ${index + 1} of cluster "${topology.cluster}" has answered yet (${topology.unresolved.join(', ')})`, { retriable: true });
      }
      sink = new FailoverSink(nodes, this.#log.child({ shard: index + 1 }), this.#recheckMs);
      this.#shards.set(key, sink);
    }
    return sink;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#nodes.values()].map((n) => n.sink.close()));
  }
}
