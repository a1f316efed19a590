/** One (venue, account, symbol, time bucket) row of a reconcile report. */
export interface BucketResult {
  readonly venue: string;
  readonly account: string;
  readonly symbol: string;
  /** Start of the bucket in ns since the epoch; null for trade ids of an id list that ClickHouse does not have (no fields to place them). */
  readonly bucketStartNs: bigint | null;
  readonly source: number;
  readonly clickhouse: number;
  /** In the source, not in ClickHouse. */
  readonly missing: number;
  /** In ClickHouse, not in the source. */
  readonly extra: number;
  /** In both, with different canonical fields (hash). */
  readonly different: number;
}

/** Totals of a reconcile run; `ids` lists up to TRADE_SYNC_RECONCILE_MAX_IDS trade ids of each kind. */
export interface ReconcileResult {
  readonly buckets: number;
  /** Buckets whose count or hash sum differ (a bucket of duplicated source rows can mismatch with no trade listed). */
  readonly mismatchedBuckets: number;
  readonly source: number;
  readonly clickhouse: number;
  readonly missing: number;
  readonly extra: number;
  readonly different: number;
  readonly match: boolean;
  readonly ids: { readonly missing: readonly string[]; readonly extra: readonly string[]; readonly different: readonly string[] };
}

/** Progress of a run: `scan` (percent of the source read by DuckDB), `drill` (mismatching buckets fetched from ClickHouse). */
export type ReconcileProgress = (phase: 'scan' | 'drill', done: number, total: number) => void;
