/** Column order of every insert into the trades table (the TSV request body follows it). */
export const TRADE_COLUMNS = [
  'schema_version', 'trade_id', 'order_id', 'fill_seq', 'symbol', 'side', 'price', 'qty',
  'order_qty', 'cum_qty', 'order_status', 'ts_ns', 'venue', 'account', 'kid', 'fee', 'liquidity',
] as const;
