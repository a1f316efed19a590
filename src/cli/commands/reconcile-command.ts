import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { Option, type Command } from 'commander';
import { createRedisConnection } from '../../../queues/index.js';
import { requireKeys, type Config } from '../../config/index.js';
import { ConfigError, ReconcileError } from '../../errors/index.js';
import { onShutdownSignal } from '../../lifecycle/on-shutdown-signal.js';
import { TradeProducer } from '../../producer/trade-producer.js';
import { parseColumnMapping } from '../../reconcile/column-mapping.js';
import { lastReconcileKey, lastReconcileOf, saveLastReconcile } from '../../reconcile/last-reconcile-store.js';
import { parseDuration } from '../../reconcile/parse-duration.js';
import { ReconcilePrinter } from '../../reconcile/reconcile-printer.js';
import { runReconcileSchedule } from '../../reconcile/reconcile-schedule.js';
import { sourceFormatOf, type SourceSpec } from '../../reconcile/reconcile-source.js';
import { parseWindow, type ReconcileWindow } from '../../reconcile/reconcile-window.js';
import { runReconcile, type RunReconcileOptions } from '../../reconcile/run-reconcile.js';
import { createClickHouseClient } from '../../sinks/clickhouse/create-clickhouse-client.js';
import type { CliContext } from '../cli-context.js';
import { parseIntOption } from '../parse-int-option.js';

interface ReconcileCliOptions {
  source?: string[];
  ids?: string;
  format?: 'duckdb' | 'parquet' | 'csv';
  table: string;
  map: string[];
  from?: string;
  to?: string;
  bucket?: number;
  json?: boolean;
  repair?: boolean;
  dryRun?: boolean;
  every?: number;
  delay: number;
  maxIds?: number;
}

/** Exit code of a comparison that found differences (errors exit 1, usage errors 2). */
export const RECONCILE_MISMATCH_EXIT = 3;

function sourceSpec(o: ReconcileCliOptions): SourceSpec {
  const mapping = parseColumnMapping(o.map);
  if (o.ids !== undefined) {
    if (o.source !== undefined) throw new ConfigError('give either --source or --ids, not both');
    return { format: 'ids', paths: [o.ids], mapping };
  }
  const paths = o.source ?? [];
  if (paths.length === 0) throw new ConfigError('give the source of truth: --source FILE (DuckDB, Parquet or CSV) or --ids FILE');
  return { format: o.format ?? sourceFormatOf(paths[0] ?? ''), paths, table: o.table, mapping };
}

function runOptions(config: Config, o: ReconcileCliOptions, source: SourceSpec, window: ReconcileWindow): RunReconcileOptions {
  const r = config.reconcile;
  return {
    source,
    window,
    bucketNs: BigInt(o.bucket ?? r.bucketSeconds * 1_000) * 1_000_000n,
    database: config.clickhouse.database,
    drillBuckets: r.drillBuckets,
    maxIds: o.maxIds ?? r.maxIds,
    memoryMb: r.memoryMb,
    ...(o.repair ? { repair: { dryRun: o.dryRun === true, packSize: r.packSize } } : {}),
    openPublisher: () => {
      requireKeys(config);
      return new TradeProducer(config);
    },
  };
}

export function registerReconcileCommand(program: Command, context: () => CliContext): void {
  program
    .command('reconcile')
    .description('compare a source of truth (the engine\'s DuckDB store, Parquet or CSV files, or a list of trade ids) with ClickHouse per venue, account, symbol and time bucket; exit 0 when they match, 3 when not')
    .option('--source <files...>', 'DuckDB file with a trades table, or Parquet / CSV files (globs allowed)')
    .option('--ids <file>', 'a list of trade ids, one per line, instead of --source (missing and extra only)')
    .addOption(new Option('--format <format>', 'source format (default: from the file extension; anything else is DuckDB)').choices(['duckdb', 'parquet', 'csv']))
    .option('--table <name>', 'table of a DuckDB source', 'trades')
    .option('--map <pairs>', 'column mapping field=column[,field=column…] for sources whose names differ from ours (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--from <time>', 'window start on ts_ns, inclusive: ISO-8601 (UTC unless an offset is given) or nanoseconds')
    .option('--to <time>', 'window end, exclusive')
    .option('--bucket <duration>', 'time bucket of the report, e.g. 10m, 1h (default TRADE_SYNC_RECONCILE_BUCKET_SECONDS)', parseDuration)
    .option('--json', 'one JSON object per bucket, then one summary object (machine-readable)')
    .option('--repair', 're-publish the missing trades from the source through the normal pipeline (validated, signed)')
    .option('--dry-run', 'with --repair: show what would be re-published, publish nothing')
    .option('--max-ids <n>', 'trade ids listed per kind (default TRADE_SYNC_RECONCILE_MAX_IDS)', parseIntOption)
    .option('--every <duration>', 'keep running: reconcile the last closed window of this length each time one closes (stores the result for /metrics and the ops page)', parseDuration)
    .option('--delay <duration>', 'with --every: wait this long after a window closes before reconciling it (the alert counts missing trades only from windows reconciled 10 min or more after they closed)', parseDuration, 600_000)
    .action(async (o: ReconcileCliOptions) => {
      const { config, log, print } = context();
      const source = sourceSpec(o);
      if (o.dryRun && !o.repair) throw new ConfigError('--dry-run goes with --repair');
      if (o.repair && source.format === 'ids') throw new ReconcileError('RECONCILE_SOURCE_INVALID', 'an id list holds no trades to re-publish: --repair needs a DuckDB, Parquet or CSV source');
      const client = createClickHouseClient({ ...config, clickhouse: { ...config.clickhouse, timeoutMs: config.reconcile.queryTimeoutMs } }, 'admin');
      try {
        if (o.every !== undefined) {
          if (o.from !== undefined || o.to !== undefined) throw new ConfigError('--every reconciles the last closed window itself: leave out --from and --to');
          await runScheduled(config, o, source, o.every, log, client);
          return;
        }
        if (o.from === undefined || o.to === undefined) throw new ConfigError('give the window: --from TIME --to TIME (or --every DURATION)');
        const window = parseWindow(o.from, o.to);
        const printer = new ReconcilePrinter(print, o.json === true);
        const bars = new MultiBar({ format: '{phase} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
        const bar: Record<string, SingleBar> = {};
        const progress = (phase: string, done: number, total: number) => {
          (bar[phase] ??= bars.create(total, 0, { phase: phase.padEnd(6) })).setTotal(total);
          bar[phase]?.update(done);
        };
        let summary;
        try {
          summary = await runReconcile(client, {
            ...runOptions(config, o, source, window),
            onBucket: (row) => printer.bucket(row),
            onProgress: (phase, done, total) => progress(phase === 'scan' ? 'scan %' : 'drill', done, total),
            onRepairProgress: (n, total) => progress('repair', n, total),
          });
        } finally {
          bars.stop();
        }
        printer.summary(summary);
        if (!summary.result.match) process.exitCode = RECONCILE_MISMATCH_EXIT;
      } finally {
        await client.close();
      }
    });
}

async function runScheduled(config: Config, o: ReconcileCliOptions, source: SourceSpec, everyMs: number, log: CliContext['log'], client: ReturnType<typeof createClickHouseClient>): Promise<void> {
  const redis = createRedisConnection(config, 'producer');
  const key = lastReconcileKey(config.redis.prefix, config.queues.layout.stateName);
  const stop = new AbortController();
  const loop = runReconcileSchedule({
    everyMs,
    delayMs: o.delay,
    signal: stop.signal,
    log: log.child({ component: 'reconcile' }),
    run: async (window) => lastReconcileOf(await runReconcile(client, runOptions(config, o, source, window))),
    save: (last) => saveLastReconcile(redis, key, last),
  });
  // SIGTERM: finish the run in progress (a repair publishes whole packs), then exit.
  const removeHandlers = onShutdownSignal(log, async () => {
    stop.abort();
    await loop;
    await client.close();
    await redis.quit().catch(() => undefined);
  }, config.worker.shutdownTimeoutMs);
  try {
    await loop;
  } finally {
    removeHandlers();
    await redis.quit().catch(() => undefined);
  }
}
