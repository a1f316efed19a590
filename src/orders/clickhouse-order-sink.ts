import { ClickHouseError } from '../errors/index.js';
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ClusterTopologyResolver } from '../sinks/clickhouse/cluster-topology-resolver.js';
import { localTable } from '../sinks/clickhouse/cluster-ddl.js';
import { isNodeFailure } from '../sinks/failover-sink.js';
import { groupBySymbol } from '../partitions/group-by-symbol.js';
import { writeEveryShard } from '../sinks/write-every-shard.js';
import type { OrderRow } from './order-row.js';
import { orderMember, splitOrderMember } from './order-fill.js';

const COLUMNS = [
  'account', 'order_id', 'symbol', 'side', 'venue', 'order_qty', 'filled_qty', 'notional', 'vwap',
  'fill_count', 'first_ts_ns', 'last_ts_ns', 'status', 'version',
] as const;

/** With TRADE_SYNC_CLICKHOUSE_CLUSTER: which configured node serves which shard. */
export interface OrderSinkCluster {
  readonly topology: ClusterTopologyResolver;
  /** The URL of each client, in the same order. */
  readonly urls: readonly string[];
}

const line = (o: OrderRow) =>
  [o.account, o.orderId, o.symbol, o.side, o.venue, o.orderQty, o.filledQty, o.notional, o.vwap, o.fillCount, o.firstTsNs, o.lastTsNs, o.status, o.version].join('\t');

/**
 * Writes order rows in one TabSeparated request (validated fields need no escaping). On a single
 * node: into `<database>.orders` on the first node that accepts the connection (primary first,
 * then backups). On a cluster: each order into `<database>.orders_local` on a replica of the
 * shard of its symbol (the shard its trades went to), one request per shard; and the completion
 * check reads the Distributed `orders` table with FINAL, on any node that answers.
 */
export class ClickHouseOrderSink {
  readonly #clients: readonly ClickHouseClient[];
  readonly #database: string;
  readonly #cluster: OrderSinkCluster | undefined;

  constructor(clients: readonly ClickHouseClient[], database: string, cluster?: OrderSinkCluster) {
    this.#clients = clients;
    this.#database = database;
    this.#cluster = cluster;
  }

  async insert(rows: readonly OrderRow[]): Promise<void> {
    if (rows.length === 0) return;
    const cluster = this.#cluster;
    if (cluster === undefined) return this.#insertOnFirst(this.#clients, `${this.#database}.orders`, rows);
    const topology = await cluster.topology.get();
    const groups = groupBySymbol(rows, topology.shardCount, (o) => o.symbol).map((g) => (g.length === 0 ? undefined : g));
    await writeEveryShard(groups, (group, shard) => {
      const clients = (topology.shards[shard] ?? []).map((url) => this.#clients[cluster.urls.indexOf(url)]).filter((c): c is ClickHouseClient => c !== undefined);
      return this.#insertOnFirst(clients, `${this.#database}.${localTable('orders')}`, group);
    });
  }

  async #insertOnFirst(clients: readonly ClickHouseClient[], table: string, rows: readonly OrderRow[]): Promise<void> {
    const body = `${rows.map(line).join('\n')}\n`;
    let lastError: unknown = new ClickHouseError('CLICKHOUSE_UNAVAILABLE', `no ClickHouse node to write ${table} to`, { retriable: true });
    for (const client of clients) {
      try {
        await client.insert({ table, columns: [...COLUMNS], format: 'TabSeparated', values: Readable.from([body], { objectMode: false }) });
        return;
      } catch (err) {
        lastError = err;
        if (!isNodeFailure(err)) throw err; // the server refused the rows: not a node that is down
      }
    }
    throw lastError;
  }

  /**
   * Which of these orders (`account|order_id`) already have a complete row. The ids match the
   * trade schema's charset ([A-Za-z0-9_.:-]); anything else is left out rather than quoted.
   */
  async completeAmong(members: readonly string[]): Promise<Set<string>> {
    const safe = members.filter((m) => SAFE_MEMBER.test(m));
    const done = new Set<string>();
    // A few hundred per query: ClickHouse refuses a query past 256 KiB (max_query_size).
    for (let i = 0; i < safe.length; i += COMPLETE_AMONG_CHUNK) {
      const tuples = safe.slice(i, i + COMPLETE_AMONG_CHUNK).map((m) => {
        const [account, orderId] = splitOrderMember(m);
        return `('${account}', '${orderId}')`;
      });
      const query = `SELECT account, order_id FROM ${this.#database}.orders FINAL WHERE status != 'incomplete' AND (account, order_id) IN (${tuples.join(', ')})`;
      for (const r of await this.#read(query)) done.add(orderMember(r.account, r.order_id));
    }
    return done;
  }

  /** On one node, the primary: other single nodes hold other data. On a cluster, every node's Distributed table reads all shards: the first that answers. */
  async #read(query: string): Promise<{ account: string; order_id: string }[]> {
    const clients = this.#cluster === undefined ? this.#clients.slice(0, 1) : this.#clients;
    let lastError: unknown = new Error('no ClickHouse node configured');
    for (const client of clients) {
      try {
        return await (await client.query({ query, format: 'JSONEachRow' })).json<{ account: string; order_id: string }>();
      } catch (err) {
        lastError = err;
        if (!isNodeFailure(err)) throw err;
      }
    }
    throw lastError;
  }
}

const SAFE_MEMBER = /^[A-Za-z0-9_.:-]{1,64}\|[A-Za-z0-9_.:-]{1,64}$/;

/** Orders per completeAmong query: at most 500 × 140 characters, well under ClickHouse's 256 KiB. */
const COMPLETE_AMONG_CHUNK = 500;
