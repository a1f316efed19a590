import type { ClickHouseClient } from '@clickhouse/client';
import { ReconcileError } from '../errors/index.js';
import { bucketAggregatesSql, bucketRowsSql, type BucketKey } from './clickhouse-reconcile-sql.js';
import { HASH_MODULUS } from './canonical-hash-sql.js';
import { DIFFS_SQL, IDS_CMP_SQL, IDS_DIFFS_SQL, REPORT_SQL, TOTALS_SQL, TRADES_CMP_SQL, WORK_TABLES_SQL } from './reconcile-queries.js';
import type { BucketResult, ReconcileProgress, ReconcileResult } from './reconcile-result.js';
import { defineSourceViews, type OpenedSource, type SourceSpec } from './reconcile-source.js';
import type { ReconcileWindow } from './reconcile-window.js';
import { ReconcileWorkspace } from './reconcile-workspace.js';
import { streamClickHouseRows } from './stream-clickhouse-rows.js';
import { firstLine } from '../errors/first-line.js';

export interface ReconcileOptions {
  readonly source: SourceSpec;
  readonly window: ReconcileWindow;
  /** Bucket width in nanoseconds. */
  readonly bucketNs: bigint;
  /** ClickHouse database of the trades table (an identifier checked by the config). */
  readonly database: string;
  readonly drillBuckets: number;
  readonly maxIds: number;
  readonly memoryMb: number;
}

const num = (v: unknown) => Number(v ?? 0);
/** A DuckDB failure reading the source (a bad cast, an unreadable row group) as a one-line reconcile error. */
const sourceError = (err: unknown) =>
  new ReconcileError('RECONCILE_SOURCE_INVALID', `cannot read the source: ${firstLine(err)}`, err);
const big = (v: unknown) => BigInt(String(v));

/**
 * One reconcile run of a source against ClickHouse, all in a scratch DuckDB (see README.md beside
 * this file): per-bucket count and hash sum on both sides, then the trade ids and hashes of only
 * the buckets that differ, joined to name each missing, extra and different trade.
 */
export class Reconciler {
  readonly #client: ClickHouseClient;
  readonly #options: ReconcileOptions;
  readonly #work: ReconcileWorkspace;
  readonly #source: OpenedSource;

  private constructor(client: ClickHouseClient, options: ReconcileOptions, work: ReconcileWorkspace, source: OpenedSource) {
    this.#client = client;
    this.#options = options;
    this.#work = work;
    this.#source = source;
  }

  /** Opens the scratch database and the source (bad input fails here, before ClickHouse is asked anything). */
  static async open(client: ClickHouseClient, options: ReconcileOptions): Promise<Reconciler> {
    const work = await ReconcileWorkspace.open(options.memoryMb);
    try {
      const source = await defineSourceViews(work.main, options.source, options.window, options.bucketNs);
      return new Reconciler(client, options, work, source);
    } catch (err) {
      work.close();
      throw err;
    }
  }

  get kind(): OpenedSource['kind'] {
    return this.#source.kind;
  }

  /** Compares; `onBucket` gets every bucket row (matching ones too) in key order. */
  async run(onBucket: (row: BucketResult) => void, onProgress: ReconcileProgress = () => {}): Promise<ReconcileResult> {
    const { main } = this.#work;
    for (const statement of WORK_TABLES_SQL) await main.run(statement);
    if (this.#source.kind === 'trades') {
      await this.#compareBuckets(onProgress);
      await this.#drillDown(onProgress);
      await main.run(DIFFS_SQL);
    } else {
      await this.#loadRows(undefined);
      onProgress('scan', 100, 100);
      for (const statement of IDS_CMP_SQL) await main.run(statement);
      await main.run(IDS_DIFFS_SQL);
    }
    return this.#report(onBucket);
  }

  /** Source aggregates (DuckDB) and ClickHouse aggregates (streamed into DuckDB) at the same time. */
  async #compareBuckets(onProgress: ReconcileProgress): Promise<void> {
    const { main } = this.#work;
    const { database, window, bucketNs } = this.#options;
    const timer = setInterval(() => onProgress('scan', Math.max(0, main.progress.percentage), 100), 250);
    const sourceDone = main.run(`CREATE TABLE src_buckets AS SELECT venue, account, symbol, bucket, count(*)::UBIGINT AS n,
        CAST(sum(h) % ${HASH_MODULUS} AS UBIGINT) AS hsum FROM src GROUP BY venue, account, symbol, bucket`);
    try {
      await this.#copyFromClickHouse('ch_buckets', bucketAggregatesSql(database, window, bucketNs), ['venue', 'account', 'symbol'], ['bucket', 'n', 'hsum']);
    } catch (err) {
      main.interrupt(); // a DuckDB query still running would hold the process open
      await sourceDone.catch(() => undefined);
      throw err;
    } finally {
      clearInterval(timer);
    }
    try {
      await sourceDone;
    } catch (err) {
      throw sourceError(err);
    }
    onProgress('scan', 100, 100);
    await main.run(TRADES_CMP_SQL);
  }

  /** Fetches ids and hashes of the mismatching buckets ClickHouse has rows in, drillBuckets at a time. */
  async #drillDown(onProgress: ReconcileProgress): Promise<void> {
    const { main } = this.#work;
    const bad = 'FROM cmp WHERE NOT equal AND ch_n > 0';
    const total = num((await main.runAndReadAll(`SELECT count(*) ${bad}`)).getRowsJS()[0]?.[0]);
    let done = 0;
    onProgress('drill', 0, total);
    let group: BucketKey[] = [];
    const flush = async () => {
      if (group.length === 0) return;
      await this.#loadRows(group);
      done += group.length;
      group = [];
      onProgress('drill', done, total);
    };
    // In time order, so each group of buckets covers a short span of ClickHouse's (symbol, ts_ns) key.
    const result = await main.stream(`SELECT venue, account, symbol, bucket ${bad} ORDER BY bucket, symbol, venue, account`);
    for await (const rows of result.yieldRowsJs()) {
      for (const [venue, account, symbol, bucket] of rows) {
        group.push({ venue: String(venue), account: String(account), symbol: String(symbol), bucket: big(bucket) });
        if (group.length >= this.#options.drillBuckets) await flush();
      }
    }
    await flush();
  }

  /** Appends ClickHouse's (trade_id, bucket key, hash) rows of some buckets, or of the whole window, to ch_rows. */
  #loadRows(buckets: readonly BucketKey[] | undefined): Promise<void> {
    const { database, window, bucketNs } = this.#options;
    return this.#copyFromClickHouse('ch_rows', bucketRowsSql(database, window, bucketNs, buckets), ['trade_id', 'venue', 'account', 'symbol'], ['bucket', 'h']);
  }

  /** Streams a ClickHouse result into a scratch table whose columns are `text` (VARCHAR) then `numbers` (UBIGINT). */
  async #copyFromClickHouse(table: string, query: string, text: readonly string[], numbers: readonly string[]): Promise<void> {
    const appender = await this.#work.side.createAppender(table);
    await streamClickHouseRows(this.#client, query, (row) => {
      for (const column of text) appender.appendVarchar(String(row[column]));
      for (const column of numbers) appender.appendUBigInt(big(row[column]));
      appender.endRow();
    });
    appender.closeSync();
  }

  async #report(onBucket: (row: BucketResult) => void): Promise<ReconcileResult> {
    const { main } = this.#work;
    const bucketNs = this.#options.bucketNs;
    const rows = await main.stream(REPORT_SQL);
    for await (const chunk of rows.yieldRowsJs()) {
      for (const [venue, account, symbol, bucket, source, clickhouse, missing, extra, different] of chunk) {
        onBucket({
          venue: String(venue),
          account: String(account),
          symbol: String(symbol),
          bucketStartNs: bucket === null ? null : big(bucket) * bucketNs,
          source: num(source),
          clickhouse: num(clickhouse),
          missing: num(missing),
          extra: num(extra),
          different: num(different),
        });
      }
    }
    const [t = []] = (await main.runAndReadAll(TOTALS_SQL)).getRowsJS();
    const ids = async (kind: string) =>
      (await main.runAndReadAll(`SELECT trade_id FROM diffs WHERE kind = $1 ORDER BY trade_id LIMIT ${this.#options.maxIds}`, [kind])).getRowsJS().map((r) => String(r[0]));
    const [buckets, mismatchedBuckets, source, clickhouse, missing, extra, different] = t.map(num);
    return {
      buckets: buckets ?? 0,
      mismatchedBuckets: mismatchedBuckets ?? 0,
      source: source ?? 0,
      clickhouse: clickhouse ?? 0,
      missing: missing ?? 0,
      extra: extra ?? 0,
      different: different ?? 0,
      match: mismatchedBuckets === 0,
      ids: { missing: await ids('missing'), extra: await ids('extra'), different: await ids('different') },
    };
  }

  /** The missing trades' source rows (fields as text), `size` at a time, in ts_ns order. */
  async *missingTrades(size: number): AsyncGenerator<Record<string, unknown>[]> {
    if (this.#source.kind !== 'trades') return;
    const result = await this.#work.main.stream(
      "SELECT t.* FROM src_trades t SEMI JOIN (SELECT trade_id FROM diffs WHERE kind = 'missing') m ON t.trade_id = m.trade_id ORDER BY CAST(t.ts_ns AS UBIGINT), t.trade_id",
    );
    const columns = result.columnNames();
    let batch: Record<string, unknown>[] = [];
    for await (const chunk of result.yieldRowsJs()) {
      for (const row of chunk) {
        batch.push(Object.fromEntries(columns.map((c, i) => [c, row[i]])));
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  }

  close(): void {
    this.#work.close();
  }
}
