import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { TradeRow } from '../trade-row.js';
import type { EncodedBatch, TradeSink } from '../trade-sink.js';
import { buildInsertBody, INSERT_COLUMNS } from './build-insert-body.js';
import { assertSchemaVersion } from './schema-version.js';
import { detectServerFeatures, type ServerFeatures } from './server-features.js';

/** A token that names this exact set of trades, so the server drops a retried batch. */
function dedupTokenFor(tradeIds: readonly string[]): string {
  const hash = createHash('sha256');
  for (const id of [...tradeIds].sort()) hash.update(id);
  return hash.digest('hex');
}

/**
 * Inserts rows into `<database>.<table>` in one HTTP request with the data in the body.
 * Unless features are given, the first insert checks the schema version and detects the
 * server's features (so a node that is down at start-up is checked once it is back; a schema
 * mismatch then fails every insert, which spills, until `trade-sync migrate` has run).
 */
export class ClickHouseTradeSink implements TradeSink {
  readonly #client: ClickHouseClient;
  readonly #table: string;
  readonly #tableName: string;
  readonly #database: string;
  #features: Promise<ServerFeatures> | undefined;

  constructor(client: ClickHouseClient, database: string, features?: ServerFeatures, table = 'trades') {
    this.#client = client;
    this.#table = `${database}.${table}`;
    this.#tableName = table;
    this.#database = database;
    this.#features = features === undefined ? undefined : Promise.resolve(features);
  }

  #detect(): Promise<ServerFeatures> {
    this.#features ??= assertSchemaVersion(this.#client, this.#database, undefined, this.#tableName).then(() => detectServerFeatures(this.#client)).catch((err: unknown) => {
      this.#features = undefined;
      throw err;
    });
    return this.#features;
  }

  async insert(rows: readonly TradeRow[]): Promise<void> {
    if (rows.length > 0) await this.#send(buildInsertBody(rows), () => rows.map((r) => r.trade.trade_id));
  }

  async insertEncoded(batch: EncodedBatch): Promise<void> {
    if (batch.tradeIds.length > 0) await this.#send(batch.body, () => batch.tradeIds);
  }

  async #send(body: string, tradeIds: () => readonly string[]): Promise<void> {
    const features = await this.#detect();
    await this.#client.insert({
      table: this.#table,
      columns: INSERT_COLUMNS as [string, ...string[]],
      format: 'TabSeparated',
      values: Readable.from([body], { objectMode: false }),
      clickhouse_settings: features.dedupToken ? { insert_deduplication_token: dedupTokenFor(tradeIds()) } : {},
    });
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}
