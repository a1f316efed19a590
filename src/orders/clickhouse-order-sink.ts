import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { classifyInsertError } from '../sinks/clickhouse/classify-insert-error.js';
import type { OrderRow } from './order-row.js';
import { orderMember, splitOrderMember } from './order-fill.js';

const COLUMNS = [
  'account', 'order_id', 'symbol', 'side', 'venue', 'order_qty', 'filled_qty', 'notional', 'vwap',
  'fill_count', 'first_ts_ns', 'last_ts_ns', 'status', 'version',
] as const;

/**
 * Writes order rows into `<database>.orders` in one TabSeparated request (validated fields need
 * no escaping), on the first node that accepts the connection (primary first, then backups).
 */
export class ClickHouseOrderSink {
  readonly #clients: readonly ClickHouseClient[];
  readonly #table: string;

  constructor(clients: readonly ClickHouseClient[], database: string) {
    this.#clients = clients;
    this.#table = `${database}.orders`;
  }

  async insert(rows: readonly OrderRow[]): Promise<void> {
    if (rows.length === 0) return;
    const body = rows
      .map((o) =>
        [o.account, o.orderId, o.symbol, o.side, o.venue, o.orderQty, o.filledQty, o.notional, o.vwap, o.fillCount, o.firstTsNs, o.lastTsNs, o.status, o.version].join('\t'),
      )
      .join('\n');
    let lastError: unknown = new Error('no ClickHouse node configured');
    for (const client of this.#clients) {
      try {
        await client.insert({ table: this.#table, columns: [...COLUMNS], format: 'TabSeparated', values: Readable.from([`${body}\n`], { objectMode: false }) });
        return;
      } catch (err) {
        lastError = err;
        if (classifyInsertError(err).serverCode !== undefined) throw err; // the server answered: not a connection failure
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
      const result = await (this.#clients[0] as ClickHouseClient).query({
        query: `SELECT account, order_id FROM ${this.#table} FINAL WHERE status != 'incomplete' AND (account, order_id) IN (${tuples.join(', ')})`,
        format: 'JSONEachRow',
      });
      for (const r of await result.json<{ account: string; order_id: string }>()) done.add(orderMember(r.account, r.order_id));
    }
    return done;
  }
}

const SAFE_MEMBER = /^[A-Za-z0-9_.:-]{1,64}\|[A-Za-z0-9_.:-]{1,64}$/;

/** Orders per completeAmong query: at most 500 × 140 characters, well under ClickHouse's 256 KiB. */
const COMPLETE_AMONG_CHUNK = 500;
