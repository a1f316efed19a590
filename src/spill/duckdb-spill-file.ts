import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { SpillError } from '../errors/index.js';
import { firstLine } from '../errors/first-line.js';
import type { Logger } from '../logger.js';
import type { TradeRow } from '../sinks/trade-row.js';
import type { EncodedBatch } from '../sinks/trade-sink.js';
import type { Trade } from '../trade/trade-schema.js';
import { Serial } from './serial.js';
import type { SpillStore } from './spill-store.js';
import { isLockConflict, SpillCorruptError, SpillSchemaError } from './spill-errors.js';
import { packRefOf, readPackRef, SpilledPackRef, UNREFERENCED_PACKS_SQL, withStoredPacks } from './pack-ref.js';
import { deleteBatchSql, encodedBatchSql, REPLAY_ORDER } from './replay-batch-sql.js';
import { SPILL_COLUMNS, SPILL_MIGRATIONS, SPILL_SCHEMA_VERSION } from './spill-schema.js';

export interface SpillFileOptions {
  /** Close the file after this long without writes, so readers (`spill query`) can open it. */
  readonly idleCloseMs: number;
  /** Close at least this often while busy, for the same reason. */
  readonly maxHoldMs: number;
  /** How long to retry when another process holds the file's lock. */
  readonly lockWaitMs: number;
}

/** Where replayed batches go: rows (the exact path), and optionally a ready INSERT body (the fast one). */
export interface ReplayTarget {
  /**
   * `withEnvelopes` gives rows their signed packs back (their envelopes are SpilledPackRefs until
   * then): call it for the rows that are dead-lettered, while insertRows runs.
   */
  insertRows(rows: TradeRow[], withEnvelopes: (rows: readonly TradeRow[]) => Promise<TradeRow[]>): Promise<void>;
  insertEncoded?(batch: EncodedBatch): Promise<void>;
}

/** WAL size that triggers a checkpoint: over 2 s (maxHoldMs) of spilling at 100,000 rows/s. */
const WAL_AUTOCHECKPOINT = '256MB';

const DEFAULTS: SpillFileOptions = { idleCloseMs: 300, maxHoldMs: 2_000, lockWaitMs: 15_000 };
/** Rows appended between pauses that let timers (BullMQ lock renewal) run. */
const YIELD_EVERY = 5_000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const READ_COLUMNS = SPILL_COLUMNS.filter((c) => c !== 'spilled_at_ms');
/** Replayed batches between two sweeps of packs no row refers to (besides when the file is drained). */
const PACK_SWEEP_EVERY = 10;

/**
 * One DuckDB spill file, written by one process at a time. Every operation is serialized; a
 * write returns only after its transaction committed (WAL on disk). The file is held open
 * while busy and released when idle (checkpointed on close) so readers can get in.
 */
export class DuckDbSpillFile implements SpillStore {
  readonly path: string;
  readonly #log: Logger;
  readonly #options: SpillFileOptions;
  readonly #serial = new Serial();
  #instance: DuckDBInstance | undefined;
  #connection: DuckDBConnection | undefined;
  #openedAt = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #checked = false;
  #replays = 0;

  constructor(path: string, log: Logger, options: Partial<SpillFileOptions> = {}) {
    this.path = path;
    this.#log = log.child({ spillFile: path });
    this.#options = { ...DEFAULTS, ...options };
  }

  /** Appends rows in one committed transaction (SpillStore); a failure is a SpillError SPILL_WRITE_FAILED. */
  append(rows: readonly TradeRow[]): Promise<void> {
    return this.#appendCommitted(rows).catch((err: unknown) => {
      throw new SpillError('SPILL_WRITE_FAILED', `cannot write ${rows.length} rows to the spill ${this.path} (jobs stay in Redis and are retried): ${firstLine(err)}`, err);
    });
  }

  #appendCommitted(rows: readonly TradeRow[]): Promise<void> {
    return this.#use(async (c) => {
      await c.run('BEGIN TRANSACTION');
      try {
        const appender = await c.createAppender('spill_rows');
        const now = BigInt(Date.now());
        const packs = new Map<string, unknown>();
        for (const [i, { trade: t, kid, source, item }] of rows.entries()) {
          if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop(); // keep job locks renewing
          appender.appendUTinyInt(t.schema_version);
          appender.appendVarchar(t.trade_id);
          appender.appendVarchar(t.order_id);
          appender.appendUInteger(t.fill_seq);
          appender.appendVarchar(t.symbol);
          appender.appendVarchar(t.side);
          appender.appendVarchar(t.price);
          appender.appendVarchar(t.qty);
          appender.appendVarchar(t.order_qty);
          appender.appendVarchar(t.cum_qty);
          appender.appendVarchar(t.order_status);
          appender.appendUBigInt(BigInt(t.ts_ns));
          appender.appendVarchar(t.venue);
          appender.appendVarchar(t.account);
          appender.appendVarchar(kid);
          const ref = item === undefined ? undefined : packRefOf(source.envelope, item);
          if (ref !== undefined) packs.set(ref.sig, source.envelope);
          appender.appendVarchar(ref?.text ?? JSON.stringify(source.envelope));
          appender.appendBigInt(now);
          if (t.schema_version === 2 && t.fee !== undefined) appender.appendVarchar(t.fee);
          else appender.appendNull();
          if (t.schema_version === 2 && t.liquidity !== undefined) appender.appendVarchar(t.liquidity);
          else appender.appendNull();
          appender.endRow();
        }
        appender.flushSync();
        appender.closeSync();
        for (const [sig, envelope] of packs) await c.run('INSERT OR IGNORE INTO spill_packs VALUES ($1, $2)', [sig, JSON.stringify(envelope)]);
        await c.run('COMMIT');
      } catch (err) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  /** Opens the file (migrating and integrity-checking it on first open); throws SpillCorruptError when unreadable. */
  verify(): Promise<void> {
    return this.#use(async () => undefined);
  }

  /** Whether the file is on disk (a worker creates its own on the first spill). */
  exists(): boolean {
    return this.#connection !== undefined || existsSync(this.path);
  }

  /** Rows waiting to be replayed (0, without creating it, for a file never written). */
  count(): Promise<number> {
    if (!this.exists()) return Promise.resolve(0);
    return this.#use(async (c) => Number((await c.runAndReadAll('SELECT count(*) FROM spill_rows')).getRowsJS()[0]?.[0] ?? 0));
  }

  /**
   * Reads the oldest `limit` rows in (symbol, ts_ns) order, hands them to `target`, and deletes
   * them only after it resolved. A crash in between re-sends them next time (the sink collapses
   * duplicates). The fast way has DuckDB build the INSERT body; if that is refused for any
   * reason, the batch goes again as rows (retries, bad rows isolated and dead-lettered).
   * Returns how many rows were replayed (0 when empty).
   */
  replayBatch(limit: number, target: ReplayTarget): Promise<number> {
    const n = Math.max(1, Math.floor(limit));
    return this.#use(async (c) => {
      const replayed = (await this.#replayEncoded(c, n, target)) ?? (await this.#replayRows(c, n, target));
      if (replayed > 0) {
        await c.run(deleteBatchSql(n));
        // Packs are kept while any of their trades is spilled: all go once the file is drained,
        // and every few batches those no row refers to (spills between replays keep it from draining).
        const left = Number((await c.runAndReadAll('SELECT count(*) FROM spill_rows')).getRowsJS()[0]?.[0] ?? 0);
        if (left === 0) await c.run('DELETE FROM spill_packs');
        else if (++this.#replays % PACK_SWEEP_EVERY === 0) await c.run(UNREFERENCED_PACKS_SQL);
      }
      return replayed;
    });
  }

  /** Rows replayed through `target.insertEncoded`, or undefined when the batch must go row by row. */
  async #replayEncoded(c: DuckDBConnection, limit: number, target: ReplayTarget): Promise<number | undefined> {
    if (target.insertEncoded === undefined) return undefined;
    const [row] = (await c.runAndReadAll(encodedBatchSql(limit))).getRowsJS();
    const [count, body, tradeIds, needsEscape] = row ?? [];
    if (Number(count ?? 0) === 0) return 0;
    if (needsEscape === true || typeof body !== 'string' || !Array.isArray(tradeIds)) return undefined;
    try {
      await target.insertEncoded({ body: `${body}\n`, tradeIds: tradeIds.map(String) });
      return Number(count);
    } catch (err) {
      this.#log.debug({ err: firstLine(err) }, 'encoded replay refused; replaying the batch row by row');
      return undefined;
    }
  }

  async #replayRows(c: DuckDBConnection, limit: number, target: ReplayTarget): Promise<number> {
    const result = await c.runAndReadAll(`SELECT ${READ_COLUMNS.join(', ')} FROM spill_rows ${REPLAY_ORDER} LIMIT ${limit}`);
    const rows = result.getRows().map((r, index) => toTradeRow(r, this.path, index)); // getRows: getRowsJS costs ~30 µs a row of event-loop time
    if (rows.length > 0) await target.insertRows(rows, (some) => withStoredPacks(c, some, this.#log));
    return rows.length;
  }

  /** Checkpoints and closes the file (idempotent; later operations reopen it). */
  close(): Promise<void> {
    return this.#serial.run(async () => this.#release());
  }

  #use<T>(operation: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#serial.run(async () => {
      if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
      const connection = await this.#open();
      try {
        return await operation(connection);
      } finally {
        if (Date.now() - this.#openedAt >= this.#options.maxHoldMs) await this.#release();
        else this.#idleTimer = setTimeout(() => void this.close(), this.#options.idleCloseMs);
      }
    });
  }

  async #open(): Promise<DuckDBConnection> {
    if (this.#connection !== undefined) return this.#connection;
    const deadline = Date.now() + this.#options.lockWaitMs;
    // DuckDB (~40 MiB resident) is loaded on first use: a worker whose ClickHouse never fails never maps it.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    let instance: DuckDBInstance;
    for (;;) {
      try {
        instance = await DuckDBInstance.create(this.path);
        break;
      } catch (err) {
        if (!isLockConflict(err)) throw new SpillCorruptError(this.path, err);
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const connection = await instance.connect();
    // DuckDB checkpoints by itself whenever the WAL passes 16 MB: a few times per 100,000 spilled
    // rows (the envelopes are large), each rewriting the table, which halves the append rate.
    // The file is released, and so checkpointed, at least every maxHoldMs anyway.
    await connection.run(`SET wal_autocheckpoint = '${WAL_AUTOCHECKPOINT}'`);
    await chmod(this.path, 0o600).catch(() => undefined);
    if (!this.#checked) {
      try {
        await this.#migrateAndCheck(connection);
      } catch (err) {
        connection.closeSync();
        instance.closeSync();
        throw err instanceof SpillSchemaError ? err : new SpillCorruptError(this.path, err);
      }
      this.#checked = true;
    }
    this.#instance = instance;
    this.#connection = connection;
    this.#openedAt = Date.now();
    return connection;
  }

  /** Applies spill migrations, refuses files from a newer release, and reads every row once (block checksums). */
  async #migrateAndCheck(c: DuckDBConnection): Promise<void> {
    await c.run('CREATE TABLE IF NOT EXISTS spill_meta (version INTEGER NOT NULL)');
    const found = Number((await c.runAndReadAll('SELECT coalesce(max(version), 0) FROM spill_meta')).getRowsJS()[0]?.[0] ?? 0);
    if (found > SPILL_SCHEMA_VERSION) throw new SpillSchemaError(this.path, found, SPILL_SCHEMA_VERSION);
    for (const migration of SPILL_MIGRATIONS.filter((m) => m.version > found)) {
      await c.run('BEGIN TRANSACTION');
      for (const statement of migration.statements) await c.run(statement);
      await c.run(`INSERT INTO spill_meta VALUES (${migration.version})`);
      await c.run('COMMIT');
      this.#log.info({ version: migration.version }, 'spill schema migrated');
    }
    await c.runAndReadAll(`SELECT count(*), max(length(trade_id)), max(length(envelope)), max(ts_ns), max(length(price || qty || order_qty || cum_qty)) FROM spill_rows`);
    await c.runAndReadAll('SELECT count(*), max(length(sig)), max(length(envelope)) FROM spill_packs');
  }

  async #release(): Promise<void> {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    const connection = this.#connection;
    const instance = this.#instance;
    this.#connection = undefined;
    this.#instance = undefined;
    if (connection === undefined || instance === undefined) return;
    try {
      await connection.run('CHECKPOINT');
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }
}

function toTradeRow(r: readonly unknown[], path: string, index: number): TradeRow {
  const [schemaVersion, tradeId, orderId, fillSeq, symbol, side, price, qty, orderQty, cumQty, status, tsNs, venue, account, kid, envelope, fee, liquidity] = r;
  const trade = {
    schema_version: Number(schemaVersion),
    ...(fee === null || fee === undefined ? {} : { fee: String(fee) }),
    ...(liquidity === null || liquidity === undefined ? {} : { liquidity: String(liquidity) }),
    trade_id: String(tradeId),
    order_id: String(orderId),
    fill_seq: Number(fillSeq),
    symbol: String(symbol),
    side: String(side),
    price: String(price),
    qty: String(qty),
    order_qty: String(orderQty),
    cum_qty: String(cumQty),
    order_status: String(status),
    ts_ns: String(tsNs),
    venue: String(venue),
    account: String(account),
  } as Trade;
  const text = String(envelope);
  const ref = readPackRef(text);
  if (ref === undefined) return { trade, kid: String(kid), source: { jobId: `spill:${path}`, index, envelope: JSON.parse(text) as unknown } };
  return { trade, kid: String(kid), source: { jobId: `spill:${path}`, index, envelope: new SpilledPackRef(ref.sig) }, item: ref.item };
}
