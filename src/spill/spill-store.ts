import type { TradeRow } from '../sinks/trade-row.js';

/**
 * Where the sink pipeline puts rows ClickHouse cannot take now. `append` resolves only once the
 * rows are durable (a committed transaction), so their jobs may complete; it throws
 * SpillError (SPILL_WRITE_FAILED) otherwise, and the jobs stay in Redis. Implemented by
 * DuckDbSpillFile; replayed into ClickHouse by SpillReplayer.
 */
export interface SpillStore {
  readonly path: string;
  append(rows: readonly TradeRow[]): Promise<void>;
}
