import type { BucketResult } from './reconcile-result.js';
import { formatNs } from './reconcile-window.js';
import type { ReconcileSummary } from './run-reconcile.js';

const COLUMNS = ['venue', 'account', 'symbol', 'bucket (UTC)', 'source', 'clickhouse', 'missing', 'extra', 'different', ''] as const;
const WIDTHS = [8, 10, 8, 24, 9, 10, 7, 7, 9, 0];

const jsonValue = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/**
 * Prints a reconcile report as it streams: one line per bucket (an aligned table for people,
 * or one JSON object per line with `--json`), then the totals. Buckets arrive one at a time, so
 * a day of buckets never sits in memory.
 */
export class ReconcilePrinter {
  readonly #print: (line: string) => void;
  readonly #json: boolean;
  #rows = 0;

  constructor(print: (line: string) => void, json: boolean) {
    this.#print = print;
    this.#json = json;
  }

  #line(cells: readonly string[]): string {
    return cells.map((c, i) => (i >= 4 && i <= 8 ? c.padStart(WIDTHS[i] ?? 0) : c.padEnd(WIDTHS[i] ?? 0))).join('  ').trimEnd();
  }

  bucket(row: BucketResult): void {
    const bucket = row.bucketStartNs === null ? null : formatNs(row.bucketStartNs);
    if (this.#json) {
      this.#print(JSON.stringify({ type: 'bucket', ...row, bucketStartNs: row.bucketStartNs?.toString() ?? null, bucket }, jsonValue));
      return;
    }
    if (this.#rows++ === 0) this.#print(this.#line([...COLUMNS]));
    const ok = row.missing + row.extra + row.different === 0 && row.source === row.clickhouse;
    this.#print(
      this.#line([row.venue, row.account, row.symbol, bucket ?? '(not in ClickHouse)', String(row.source), String(row.clickhouse), String(row.missing), String(row.extra), String(row.different), ok ? 'ok' : 'MISMATCH']),
    );
  }

  summary(summary: ReconcileSummary): void {
    if (this.#json) {
      this.#print(JSON.stringify({ type: 'summary', ...summary }, jsonValue));
      return;
    }
    const r = summary.result;
    this.#print('');
    this.#print(`window ${summary.window.from} .. ${summary.window.to} (${summary.bucketSeconds} s buckets), source ${summary.source}`);
    this.#print(
      `${r.buckets} buckets, ${r.mismatchedBuckets} mismatched; source ${r.source}, clickhouse ${r.clickhouse}; missing ${r.missing}, extra ${r.extra}, different ${r.different} (${summary.durationMs} ms)`,
    );
    for (const kind of ['missing', 'extra', 'different'] as const) {
      if (r.ids[kind].length > 0) this.#print(`${kind}: ${r.ids[kind].join(' ')}${r[kind] > r.ids[kind].length ? ` … (${r[kind] - r.ids[kind].length} more)` : ''}`);
    }
    const repair = summary.repair;
    if (repair !== undefined) {
      const verb = repair.dryRun ? 'would re-publish' : 're-published';
      this.#print(`repair: ${verb} ${repair.republished} missing trades in ${repair.jobs} signed packs${repair.ids.length > 0 ? `: ${repair.ids.join(' ')}` : ''}`);
      if (repair.invalid > 0) this.#print(`repair: ${repair.invalid} missing trades are not valid trades and were not published: ${repair.invalidTrades.map((t) => `${t.trade_id} (${t.message})`).join('; ')}`);
      if (r.different > 0) this.#print(`repair: ${r.different} different trades are reported only, never overwritten`);
    }
    this.#print(r.match ? 'MATCH' : 'MISMATCH');
  }
}
