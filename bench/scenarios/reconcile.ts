import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadTradesIntoClickHouse, writeSyntheticTrades } from '../../src/demo/synthetic-source.js';
import { benchEnv } from '../lib/bench-env.js';
import { queryText } from '../lib/clickhouse-queries.js';
import { procStatusBytes } from '../lib/proc-status.js';
import type { Report, Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { perSecond } from '../lib/timing.js';
import { CLI, REPO_ROOT, STUCK_STOP_MS, startTradeSyncWorker } from '../lib/worker-process.js';

const DAY_NS = 86_400_000_000_000n;
const FROM_NS = BigInt(Date.parse('2026-12-01T00:00:00Z')) * 1_000_000n;

/** Runs `trade-sync reconcile ARGS` as its own process: exit code, wall time, peak RSS (VmHWM sampled every 50 ms), its summary line. */
async function reconcileProcess(env: Record<string, string>, args: readonly string[]): Promise<{ code: number | string; ms: number; peakRss: number; summary: Record<string, unknown> | undefined; stderr: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'reconcile', '--json', ...args], { env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let peakRss = 0;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, procStatusBytes(child.pid ?? -1, 'VmHWM') ?? 0)), 50);
  let last = '';
  let stderr = '';
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{"type":"summary"')) last = line; // buckets stream past
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | string>((resolve) => child.once('close', (c, s) => resolve(c ?? s ?? -1)));
  clearInterval(sample);
  if (pending.startsWith('{"type":"summary"')) last = pending;
  return { code, ms: performance.now() - started, peakRss, summary: last === '' ? undefined : (JSON.parse(last) as Record<string, unknown>), stderr: stderr.trim().split('\n').slice(-1)[0] ?? '' };
}

const resultOf = (s: Record<string, unknown> | undefined) => (s?.result ?? {}) as Record<string, number>;

/**
 * `trade-sync reconcile` over a day of synthetic trades (--reconcile-trades, default 5,000,000):
 * the engine's DuckDB store holds all of them, ClickHouse all but 2% (at most 100,000). First a
 * repair (find the missing, re-publish them through a real sink worker), then a matching reconcile
 * of both sides fully loaded. Each run is a separate CLI process whose peak RSS is measured.
 */
export const reconcile: Scenario = {
  name: 'reconcile',
  title: 'reconciliation: engine store against ClickHouse',
  async run(options, report: Report) {
    const { env, config } = benchEnv('reconcile', options.env);
    const total = options.reconcileTrades;
    const missing = Math.min(100_000, Math.max(1, Math.floor(total / 50)));
    const dir = mkdtempSync(join(tmpdir(), 'trade-sync-bench-reconcile-'));
    try {
      await withResources(config, { database: true }, report, async (r) => {
        const source = join(dir, 'engine.duckdb');
        const instance = await DuckDBInstance.create(source);
        const c = await instance.connect();
        try {
          await writeSyntheticTrades(c, 'trades', { count: total, fromNs: FROM_NS, spanNs: DAY_NS });
          await c.run(`CREATE TEMP VIEW to_clickhouse AS SELECT * FROM trades WHERE hash(trade_id) % ${Math.round(total / missing)} <> 0`);
          await loadTradesIntoClickHouse(c, 'to_clickhouse', r.clickhouse!, r.database, join(dir, 'rows.tsv'));
        } finally {
          c.closeSync();
          instance.closeSync();
        }
        rmSync(join(dir, 'rows.tsv'), { force: true });
        const [[loaded = '0'] = []] = await queryText(r.clickhouse!, `SELECT count() FROM ${r.database}.trades`);
        const absent = total - Number(loaded);
        report.mark('load');
        const window = ['--source', source, '--from', FROM_NS.toString(), '--to', (FROM_NS + DAY_NS).toString()];

        const worker = await startTradeSyncWorker({ label: 'reconcile', env, cpuProfDir: options.cpuProfDir });
        try {
          const repair = await reconcileProcess(env, [...window, '--repair']);
          const repaired = (repair.summary?.repair ?? {}) as Record<string, number>;
          report.expect(repair.code === 3, `repair run exits 3 (mismatch found), got ${repair.code}: ${repair.stderr}`);
          report.expect(resultOf(repair.summary).missing === absent && repaired.republished === absent, `repair found and re-published ${repaired.republished} of ${absent} missing`);
          const landStarted = performance.now();
          let final = 0;
          while (final < total && performance.now() - landStarted < options.maxWaitS * 1000) {
            await new Promise((resolve) => setTimeout(resolve, 200));
            final = Number((await queryText(r.clickhouse!, `SELECT count() FROM ${r.database}.trades`))[0]?.[0] ?? 0);
          }
          report.expect(final === total, `ClickHouse holds ${final} of ${total} after the repair`);
          report.figure('repair', `repair: find and re-publish ${absent.toLocaleString('en-US')} missing of ${total.toLocaleString('en-US')} (one CLI run)`, perSecond(absent, repair.ms), 'rows/s');
          report.figure('repair-scan', '  source rows compared per second in that run', perSecond(total, repair.ms), 'rows/s');
          report.figure('repair-rss', '  peak RSS of the reconcile process (VmHWM)', repair.peakRss / 2 ** 20, 'MiB');
          report.figure('repair-land', '  re-published trades queryable in ClickHouse after the run', performance.now() - landStarted, 'ms');
          report.mark('repair');
        } finally {
          await worker.stop(STUCK_STOP_MS);
        }

        const match = await reconcileProcess(env, window);
        const m = resultOf(match.summary);
        report.expect(match.code === 0 && m.source === total && m.clickhouse === total, `matching reconcile exits 0 with ${total} on both sides, got ${match.code} (${m.source}/${m.clickhouse}): ${match.stderr}`);
        report.figure('match', `matching reconcile of ${total.toLocaleString('en-US')} trades over a day (${m.buckets} buckets)`, perSecond(total, match.ms), 'rows/s');
        report.figure('match-rss', '  peak RSS of the reconcile process (VmHWM)', match.peakRss / 2 ** 20, 'MiB');
        report.note(`reconcile: matching run ${(match.ms / 1000).toFixed(1)} s for ${total.toLocaleString('en-US')} trades; DuckDB memory limit TRADE_SYNC_RECONCILE_MEMORY_MB=${config.reconcile.memoryMb}`);
        report.mark('match');
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
