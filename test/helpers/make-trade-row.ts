import type { TradeRow } from '../../src/sinks/trade-row.js';
import type { Trade } from '../../src/trade/trade-schema.js';

/** A TradeRow as the worker builds it after verifying an envelope (the envelope is a stand-in). */
export function makeTradeRow(trade: Trade, source: Partial<TradeRow['source']> = {}): TradeRow {
  return {
    trade,
    kid: 'test-k1',
    source: { jobId: source.jobId ?? trade.trade_id, index: source.index ?? 0, envelope: source.envelope ?? { trade_id: trade.trade_id } },
  };
}
