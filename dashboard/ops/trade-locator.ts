import type { ClickHouseClient } from '@clickhouse/client';
import type { Job, Queue } from 'bullmq';
import type { DeadLetter, TradeJobData } from '../../queues/index.js';
import { withAttachedSpills } from '../../src/spill/attached-spills.js';
import { SpillDirectory } from '../../src/spill/spill-directory.js';

/** One place a trade was found. */
export type TradeLocation =
  | { readonly where: 'trades-queue'; readonly queue: string; readonly jobId: string; readonly state: string; readonly attemptsMade: number; readonly failedReason: string | null }
  | { readonly where: 'dead-letter'; readonly queue: string; readonly jobId: string; readonly state: string; readonly code: string; readonly message: string; readonly attempts: number; readonly failedAt: string }
  | { readonly where: 'spill'; readonly file: string; readonly spilledAt: string }
  | { readonly where: 'clickhouse'; readonly database: string; readonly symbol: string; readonly tsNs: string; readonly insertedAt: string };

export interface TradeSearch {
  readonly tradeId: string;
  readonly locations: readonly TradeLocation[];
  /** Places that could not be searched (e.g. ClickHouse down), with why. */
  readonly unavailable: readonly { readonly where: string; readonly error: string }[];
  /** Failed dead letters scanned (the scan is bounded by `maxDeadLetters`). */
  readonly deadLettersScanned: number;
}

export interface TradeLocatorDeps {
  readonly trades: Queue<TradeJobData>;
  readonly dlq: Queue<DeadLetter>;
  readonly clickhouse: ClickHouseClient;
  /** Already validated as a plain identifier by the config schema. */
  readonly database: string;
  /** The spill directory on this host; undefined when the spill is off. */
  readonly spillDir: string | undefined;
  /** How many parked dead letters a search scans at most. @defaultValue 20000 */
  readonly maxDeadLetters?: number;
}

export const TRADE_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const firstLine = (err: unknown) => ((err as Error).message ?? String(err)).split('\n')[0] ?? 'error';

/**
 * A dead letter of this trade: it names the trade, lists it among the trades of a pack that died,
 * or holds a whole signed pack (naming no single trade) whose payload has it.
 */
function namesTrade(letter: DeadLetter | undefined, tradeId: string): boolean {
  if (letter === undefined) return false;
  if (letter.items !== undefined) return letter.items.some((i) => i.tradeId === tradeId);
  if (letter.tradeId !== null) return letter.tradeId === tradeId;
  const payload = (letter.envelope as { payload?: unknown } | null)?.payload;
  return typeof payload === 'string' && payload.includes(`"trade_id":"${tradeId}"`);
}

/**
 * Where a trade is now: waiting/active/… in the trades queue (one-trade jobs are named by their
 * trade id), parked as a dead letter (with its error), in a spill file, or in ClickHouse. The
 * id must be a UUID (checked here again) before it goes into any query.
 */
export class TradeLocator {
  readonly #deps: TradeLocatorDeps;

  constructor(deps: TradeLocatorDeps) {
    this.#deps = deps;
  }

  async locate(rawId: string): Promise<TradeSearch> {
    if (!TRADE_ID.test(rawId)) throw new RangeError('trade id must be a UUID');
    const tradeId = rawId.toLowerCase();
    const unavailable: { where: string; error: string }[] = [];
    const attempt = async <T>(where: string, search: () => Promise<T[]>): Promise<T[]> => {
      try {
        return await search();
      } catch (err) {
        unavailable.push({ where, error: firstLine(err) });
        return [];
      }
    };
    let scanned = 0;
    const [queued, dead, spilled, stored] = await Promise.all([
      attempt('trades-queue', () => this.#inQueue(tradeId)),
      attempt('dead-letter', async () => {
        const found = await this.#inDlq(tradeId);
        scanned = found.scanned;
        return found.locations;
      }),
      attempt('spill', () => this.#inSpill(tradeId)),
      attempt('clickhouse', () => this.#inClickHouse(tradeId)),
    ]);
    return { tradeId, locations: [...queued, ...dead, ...spilled, ...stored], unavailable, deadLettersScanned: scanned };
  }

  async #inQueue(tradeId: string): Promise<TradeLocation[]> {
    const job = await this.#deps.trades.getJob(tradeId);
    if (job === undefined) return [];
    return [{ where: 'trades-queue', queue: this.#deps.trades.name, jobId: job.id ?? tradeId, state: await job.getState(), attemptsMade: job.attemptsMade, failedReason: job.failedReason ?? null }];
  }

  async #inDlq(tradeId: string): Promise<{ locations: TradeLocation[]; scanned: number }> {
    const { dlq, maxDeadLetters = 20_000 } = this.#deps;
    const locations: TradeLocation[] = [];
    const page = 1_000;
    let scanned = 0;
    for (let start = 0; start < maxDeadLetters; start += page) {
      const jobs = (await dlq.getFailed(start, start + page - 1)).filter((j): j is Job<DeadLetter> => j !== undefined);
      scanned += jobs.length;
      for (const job of jobs.filter((j) => namesTrade(j.data, tradeId))) {
        const d = job.data;
        locations.push({ where: 'dead-letter', queue: dlq.name, jobId: job.id ?? '', state: 'failed', code: d.error.code, message: d.error.message, attempts: d.attempts, failedAt: d.failedAt });
      }
      if (jobs.length < page) break;
    }
    return { locations, scanned };
  }

  async #inSpill(tradeId: string): Promise<TradeLocation[]> {
    if (this.#deps.spillDir === undefined) return [];
    const directory = new SpillDirectory(this.#deps.spillDir);
    if (directory.list().length === 0) return [];
    return withAttachedSpills(
      directory,
      async (c) => {
        // tradeId matched TRADE_ID above: hex digits and dashes only.
        const result = await c.runAndReadAll(`SELECT spill_file, CAST(spilled_at AS VARCHAR) FROM trades WHERE trade_id = '${tradeId}'`);
        return result.getRowsJS().map((r): TradeLocation => ({ where: 'spill', file: String(r[0]), spilledAt: String(r[1]) }));
      },
      3_000,
    );
  }

  async #inClickHouse(tradeId: string): Promise<TradeLocation[]> {
    const { clickhouse, database } = this.#deps;
    const result = await clickhouse.query({
      // tradeId matched TRADE_ID above; database is a validated identifier.
      query: `SELECT symbol, toString(ts_ns) AS ts_ns, toString(inserted_at) AS inserted_at FROM ${database}.trades FINAL WHERE trade_id = toUUID('${tradeId}')`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ symbol: string; ts_ns: string; inserted_at: string }>();
    return rows.map((r) => ({ where: 'clickhouse', database, symbol: r.symbol, tsNs: r.ts_ns, insertedAt: r.inserted_at }));
  }
}
