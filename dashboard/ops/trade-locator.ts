import type { ClickHouseClient } from '@clickhouse/client';
import type { Queue } from 'bullmq';
import type { DeadLetter, TradeJobData } from '../../queues/index.js';
import type { AuditLog } from '../../src/audit/audit-log.js';
import { TRADE_COLUMNS } from '../../src/sinks/clickhouse/trade-columns.js';
import { withAttachedSpills } from '../../src/spill/attached-spills.js';
import { SpillDirectory } from '../../src/spill/spill-directory.js';
import { normalizeDecimal } from '../../src/trade/decimal.js';
import { formatTsNs } from '../../src/trade/format-ts-ns.js';
import { findLetters, letterEvents, tradeFromLetter, type TradeEvent } from './dead-letter-search.js';
import { tradeVerdict, type InFlight, type TradeVerdict } from './trade-verdict.js';
import { firstLine } from '../../src/errors/first-line.js';

/** One place the trade is now. */
export type TradeLocation =
  | { readonly where: 'trades-queue'; readonly queue: string; readonly jobId: string; readonly state: string; readonly attemptsMade: number; readonly failedReason: string | null }
  | { readonly where: 'dead-letter'; readonly queue: string; readonly jobId: string; readonly state: string; readonly code: string; readonly message: string; readonly attempts: number; readonly failedAt: string }
  | { readonly where: 'spill'; readonly file: string; readonly spilledAt: string }
  | { readonly where: 'clickhouse'; readonly database: string; readonly symbol: string; readonly tsNs: string; readonly timeUtc: string; readonly insertedAt: string };

export interface TradeSearch extends TradeVerdict {
  readonly tradeId: string;
  /** Where the trade is now (a completed job of the trades queue is history, not a place). */
  readonly locations: readonly TradeLocation[];
  /** The trade's fields: as stored in ClickHouse, else as queued (dead letter); `time_utc` is ts_ns in UTC with nanoseconds. */
  readonly trade: Readonly<Record<string, unknown>> | null;
  readonly tradeSource: 'clickhouse' | 'dead-letter' | null;
  /** What happened to it, oldest first. */
  readonly history: readonly TradeEvent[];
  /** Places that could not be searched (e.g. ClickHouse down), with why. */
  readonly unavailable: readonly { readonly where: string; readonly error: string }[];
  /** Dead letters scanned (parked and redriven; bounded by `maxDeadLetters` of each). */
  readonly deadLettersScanned: number;
}

export interface TradeLocatorDeps {
  /** Every partition's trades queue (a trade's own job is in its symbol's, which the id does not tell). */
  readonly trades: readonly Queue<TradeJobData>[];
  readonly dlq: Queue<DeadLetter>;
  readonly clickhouse: ClickHouseClient;
  /** Already validated as a plain identifier by the config schema. */
  readonly database: string;
  /** The spill directory on this host; undefined when the spill is off. */
  readonly spillDir: string | undefined;
  /** Who redrove what (the trade's history names them). */
  readonly audit?: AuditLog;
  /** How many dead letters of each state (parked, redriven) a search scans at most. @defaultValue 20000 */
  readonly maxDeadLetters?: number;
}

export const TRADE_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const ENUM_COLUMNS: ReadonlySet<string> = new Set(['side', 'order_status', 'liquidity']);
const DECIMAL_COLUMNS: ReadonlySet<string> = new Set(['price', 'qty', 'order_qty', 'cum_qty', 'fee']);


/** Jobs still in flight in every partition's queue, added up. */
async function inFlightCounts(trades: readonly Queue[]): Promise<InFlight> {
  const all = await Promise.all(trades.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
  const sum: Record<string, number> = {};
  for (const counts of all) for (const [k, v] of Object.entries(counts)) sum[k] = (sum[k] ?? 0) + v;
  return sum as unknown as InFlight;
}

const withTime = (t: Record<string, unknown>) => (typeof t.ts_ns === 'string' ? { ...t, time_utc: formatTsNs(t.ts_ns) } : t);

/**
 * Where a trade is and what happened to it: ClickHouse (FINAL, its stored fields), the DLQ
 * (parked letters, also inside dead packs and jobs; redriven ones as history), a spill file, or a
 * job of its own (`jobId = trade_id`, one-job mode). Trades usually travel inside packed jobs
 * (`p.…` packs, `i.…` ingest batches) whose ids do not name them: when the trade is in none of
 * those places, the answer says plainly that it may be in flight inside one, with the trades
 * queue's job counts. The id must be a UUID (checked here again) before it goes into any query.
 */
export class TradeLocator {
  readonly #deps: TradeLocatorDeps;

  constructor(deps: TradeLocatorDeps) {
    this.#deps = deps;
  }

  async locate(rawId: string): Promise<TradeSearch> {
    if (!TRADE_ID.test(rawId)) throw new RangeError('trade id must be a UUID');
    const tradeId = rawId.toLowerCase();
    const { trades, dlq, audit, maxDeadLetters = 20_000 } = this.#deps;
    const unavailable: { where: string; error: string }[] = [];
    const attempt = async <T>(where: string, search: () => Promise<T>, none: T): Promise<T> => {
      try {
        return await search();
      } catch (err) {
        unavailable.push({ where, error: firstLine(err) });
        return none;
      }
    };
    const [job, letters, spilled, stored, inFlight, entries] = await Promise.all([
      attempt('trades-queue', () => this.#ownJob(tradeId), undefined),
      attempt('dead-letter', () => findLetters(dlq, tradeId, maxDeadLetters), { found: [], scanned: 0 }),
      attempt('spill', () => this.#inSpill(tradeId), []),
      attempt('clickhouse', () => this.#inClickHouse(tradeId), []),
      attempt('trades-queue counts', () => inFlightCounts(trades), undefined),
      audit === undefined ? Promise.resolve([]) : audit.recent(2_000).catch(() => []),
    ]);
    const history: TradeEvent[] = letterEvents(letters.found, entries, dlq.name);
    const locations: TradeLocation[] = [];
    if (job !== undefined) {
      if (job.location.state === 'completed') history.push({ at: job.finishedAt, event: 'job completed', detail: `job ${job.location.jobId} of ${job.location.queue} was worked by a sink` });
      else locations.push(job.location);
    }
    for (const { job: letter, parked } of letters.found) {
      if (!parked) continue;
      const d = letter.data;
      locations.push({ where: 'dead-letter', queue: dlq.name, jobId: letter.id ?? '', state: 'failed', code: d.error.code, message: d.error.message, attempts: d.attempts, failedAt: d.failedAt });
    }
    for (const s of spilled) {
      locations.push(s);
      history.push({ at: s.spilledAt, event: 'spilled', detail: `into ${s.file} (replayed into ClickHouse when it is back)` });
    }
    const row = stored[0];
    if (row !== undefined) {
      locations.push(row.location);
      history.push({ at: row.location.insertedAt, event: 'landed', detail: `in ${this.#deps.database}.trades` });
    }
    history.sort((a, b) => a.at.localeCompare(b.at));
    const letterTrade = letters.found.map((f) => tradeFromLetter(f.job.data, tradeId)).find((t) => t !== undefined);
    const trade = row?.fields ?? (letterTrade === undefined ? null : withTime(letterTrade));
    return {
      tradeId,
      ...tradeVerdict(tradeId, locations, inFlight, letters.scanned, unavailable.map((u) => u.where)),
      locations,
      trade,
      tradeSource: row !== undefined ? 'clickhouse' : letterTrade !== undefined ? 'dead-letter' : null,
      history,
      unavailable,
      deadLettersScanned: letters.scanned,
    };
  }

  /** The job of this trade alone (one-job mode: `jobId = trade_id`) in any partition's queue, if there is one. */
  async #ownJob(tradeId: string): Promise<{ location: Extract<TradeLocation, { where: 'trades-queue' }>; finishedAt: string } | undefined> {
    const found = await Promise.all(this.#deps.trades.map(async (queue) => ({ queue, job: await queue.getJob(tradeId) })));
    const hit = found.find((f) => f.job !== undefined);
    if (hit?.job === undefined) return undefined;
    const { queue, job } = hit;
    const state = await job.getState();
    return {
      location: { where: 'trades-queue', queue: queue.name, jobId: job.id ?? tradeId, state, attemptsMade: job.attemptsMade, failedReason: job.failedReason ?? null },
      finishedAt: new Date(job.finishedOn ?? job.processedOn ?? job.timestamp).toISOString(),
    };
  }

  async #inSpill(tradeId: string): Promise<Extract<TradeLocation, { where: 'spill' }>[]> {
    if (this.#deps.spillDir === undefined) return [];
    const directory = new SpillDirectory(this.#deps.spillDir);
    if (directory.list().length === 0) return [];
    return withAttachedSpills(
      directory,
      async (c) => {
        // tradeId matched TRADE_ID above: hex digits and dashes only.
        const result = await c.runAndReadAll(`SELECT spill_file, CAST(spilled_at AS VARCHAR) FROM trades WHERE trade_id = '${tradeId}'`);
        return result.getRowsJS().map((r) => ({ where: 'spill' as const, file: String(r[0]), spilledAt: String(r[1]) }));
      },
      3_000,
    );
  }

  async #inClickHouse(tradeId: string): Promise<{ location: TradeLocation & { insertedAt: string }; fields: Record<string, unknown> }[]> {
    const { clickhouse, database } = this.#deps;
    // Exact text for decimals and ts_ns; enums as they are (toString of a NULL Nullable(Enum8) fails on 18.16).
    // Aliases must not shadow the columns (ClickHouse applies aliases in WHERE too).
    const columns = TRADE_COLUMNS.map((c) => `${ENUM_COLUMNS.has(c) ? c : `toString(${c})`} AS f_${c}`).join(', ');
    const result = await clickhouse.query({
      // tradeId matched TRADE_ID above; database is a validated identifier; columns are constants.
      query: `SELECT ${columns}, toString(inserted_at) AS f_inserted_at FROM ${database}.trades FINAL WHERE trade_id = toUUID('${tradeId}')`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<Record<string, string>>();
    return rows.map((raw) => {
      // Decimals as the trade had them (18.16 prints all 12 fraction digits).
      const r = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.slice(2), DECIMAL_COLUMNS.has(k.slice(2)) && typeof v === 'string' ? normalizeDecimal(v) : v]));
      const tsNs = r.ts_ns ?? '';
      const fields = withTime({ ...r, inserted_at: `${r.inserted_at ?? ''} (server time)` });
      return { location: { where: 'clickhouse', database, symbol: r.symbol ?? '', tsNs, timeUtc: formatTsNs(tsNs), insertedAt: r.inserted_at ?? '' }, fields };
    });
  }
}
