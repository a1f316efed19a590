import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { buildInsertBody, INSERT_COLUMNS } from './build-insert-body.js';
import type { ServerFeatures } from './server-features.js';
import type { TradeRow } from '../trade-row.js';
import type { TradeSink } from '../trade-sink.js';

/** A token that names this exact set of trades, so the server drops a retried batch. */
export function dedupTokenFor(rows: readonly TradeRow[]): string {
  const hash = createHash('sha256');
  for (const id of rows.map((r) => r.trade.trade_id).sort()) hash.update(id);
  return hash.digest('hex');
}

/** Inserts rows into `<database>.trades` in one HTTP request with the data in the body. */
export class ClickHouseTradeSink implements TradeSink {
  readonly #client: ClickHouseClient;
  readonly #table: string;
  readonly #features: ServerFeatures;

  constructor(client: ClickHouseClient, database: string, features: ServerFeatures, table = 'trades') {
    this.#client = client;
    this.#table = `${database}.${table}`;
    this.#features = features;
  }

  async insert(rows: readonly TradeRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#client.insert({
      table: this.#table,
      columns: INSERT_COLUMNS as [string, ...string[]],
      format: 'TabSeparated',
      values: Readable.from([buildInsertBody(rows)], { objectMode: false }),
      clickhouse_settings: this.#features.dedupToken ? { insert_deduplication_token: dedupTokenFor(rows) } : {},
    });
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}
