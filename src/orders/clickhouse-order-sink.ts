import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { classifyInsertError } from '../sinks/clickhouse/classify-insert-error.js';
import type { OrderRow } from './compute-order.js';

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
}
