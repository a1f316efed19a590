import type { PublishOptions, PublishResult } from '../producer/trade-producer.js';
import { TradeValidationError } from '../errors/index.js';
import { parseTrade } from '../trade/parse-trade.js';
import type { Trade } from '../trade/trade-schema.js';

/** What a repair needs of the producer: the array form of `TradeProducer.publish`. */
export interface TradePublisher {
  publish(trades: readonly Trade[], options: PublishOptions): Promise<PublishResult>;
}

export interface RepairOptions {
  /** Show what would be re-published; publish nothing. */
  readonly dryRun: boolean;
  /** Trades per signed pack. */
  readonly packSize: number;
  /** Trade ids listed in the result (the counts are complete). */
  readonly maxIds: number;
  readonly onProgress?: (republished: number) => void;
}

export interface RepairResult {
  readonly dryRun: boolean;
  /** Trades re-published (with dryRun: that would be). */
  readonly republished: number;
  readonly jobs: number;
  readonly ids: readonly string[];
  /** Missing trades whose source row is not a valid trade: reported, never published. */
  readonly invalid: number;
  readonly invalidTrades: readonly { readonly trade_id: string; readonly message: string }[];
}

/** A source row (fields as text, fill_seq a number) as a trade message; schema 2 when it has a fee or liquidity. */
export function tradeFromSourceRow(row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const text = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
  const fee = text(row.fee);
  const liquidity = text(row.liquidity);
  const trade: Record<string, unknown> = {
    schema_version: fee !== undefined || liquidity !== undefined ? 2 : 1,
    trade_id: text(row.trade_id),
    order_id: text(row.order_id),
    fill_seq: row.fill_seq === null || row.fill_seq === undefined ? undefined : Number(row.fill_seq),
    symbol: text(row.symbol),
    side: text(row.side),
    price: text(row.price),
    qty: text(row.qty),
    order_qty: text(row.order_qty),
    cum_qty: text(row.cum_qty),
    order_status: text(row.order_status),
    ts_ns: text(row.ts_ns),
    venue: text(row.venue),
    account: text(row.account),
  };
  if (fee !== undefined) trade.fee = fee;
  if (liquidity !== undefined) trade.liquidity = liquidity;
  return trade;
}

/**
 * Re-publishes missing trades through the normal pipeline: each source row is validated like
 * any producer's trade (an invalid one is reported, not published), then the valid ones are
 * signed and enqueued as signed packs. The sink dedupes by trade_id and ClickHouse collapses a
 * re-inserted trade, so a repeated repair is harmless.
 */
export async function repairMissing(batches: AsyncIterable<Record<string, unknown>[]>, publisher: TradePublisher | undefined, options: RepairOptions): Promise<RepairResult> {
  let republished = 0;
  let jobs = 0;
  let invalid = 0;
  const ids: string[] = [];
  const invalidTrades: { trade_id: string; message: string }[] = [];
  for await (const rows of batches) {
    const valid: Trade[] = [];
    for (const row of rows) {
      try {
        valid.push(parseTrade(tradeFromSourceRow(row)));
      } catch (err) {
        if (!(err instanceof TradeValidationError)) throw err;
        invalid++;
        if (invalidTrades.length < options.maxIds) invalidTrades.push({ trade_id: String(row.trade_id), message: err.message });
      }
    }
    if (valid.length === 0) continue;
    if (!options.dryRun && publisher !== undefined) jobs += (await publisher.publish(valid, { packSize: options.packSize, backpressure: 'wait' })).jobs;
    else jobs += Math.ceil(valid.length / options.packSize);
    republished += valid.length;
    for (const t of valid) if (ids.length < options.maxIds) ids.push(t.trade_id);
    options.onProgress?.(republished);
  }
  return { dryRun: options.dryRun, republished, jobs, ids, invalid, invalidTrades };
}
