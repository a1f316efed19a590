/**
 * trade-sync benchmark: `npm run bench [-- --help]`.
 *
 * Runs every scenario (bench/scenarios/*) in this one process run, one after another, each on its
 * own queues and ClickHouse database (removed after), and prints ONE table of absolute figures
 * and of ratios between figures of this same run, so the noise of a shared machine cancels out
 * in the ratios. A scenario whose end-of-run count check fails (rows lost or duplicated, DLQ not
 * empty) is marked FAIL and the process exits 1.
 */
import { cpus, loadavg } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { assertRedisReachable } from '../queues/index.js';
import { loadConfig } from '../src/config/index.js';
import { createClickHouseClient } from '../src/sinks/clickhouse/create-clickhouse-client.js';
import { pingClickHouse } from '../src/sinks/clickhouse/ping-clickhouse.js';
import { BENCH_KEYS, serviceUrls } from './lib/bench-env.js';
import { serverVersion } from './lib/clickhouse-queries.js';
import { formatGoal, resultsTable } from './lib/format.js';
import { evaluateGoals } from './lib/goals.js';
import { Report, type BenchOptions, type Scenario, type ScenarioResult } from './lib/report.js';
import { cleanupAll } from './lib/resources.js';
import { sleep } from './lib/timing.js';
import { ingest } from './scenarios/ingest.js';
import { decode } from './scenarios/decode.js';
import { ingestE2e } from './scenarios/ingest-e2e.js';
import { latency, latencyOneJobPerTrade } from './scenarios/latency.js';
import { naivePeer } from './scenarios/naive-peer.js';
import { noopBullmq, noopBullmqPacked } from './scenarios/noop-bullmq.js';
import { outage } from './scenarios/outage.js';
import { rawClickhouseInsert } from './scenarios/raw-clickhouse-insert.js';
import { sinkOneJobPerTrade } from './scenarios/sink-one-job-per-trade.js';
import { sinkPacked, sinkPacked2 } from './scenarios/sink-packed.js';
import { reconcile } from './scenarios/reconcile.js';
import { partitions } from './scenarios/partitions.js';
import { spill } from './scenarios/spill.js';

// Each limit runs right before the scenario compared with it (noop → one job per trade, raw and
// noop packed → packed), so the pair sees the same machine. The naive peer runs last: dropping its
// thousands of one-row parts keeps ClickHouse busy for a while.
const SCENARIOS: readonly Scenario[] = [
  noopBullmq, sinkOneJobPerTrade, rawClickhouseInsert, noopBullmqPacked, sinkPacked, sinkPacked2, decode, latency, latencyOneJobPerTrade, naivePeer, spill, outage, ingest, ingestE2e, reconcile, partitions,
];

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};
const positiveNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
  return n;
};
const scenarioList = (value: string) => {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0 || names.length === 0) throw new InvalidArgumentError(`unknown scenario ${unknown.join(', ')}; choose from ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return names;
};

const setting = (value: string, previous: Record<string, string>) => {
  const match = /^(TRADE_SYNC_[A-Z0-9_]+)=(.*)$/.exec(value);
  if (match?.[1] === undefined) throw new InvalidArgumentError('expected TRADE_SYNC_NAME=value');
  return { ...previous, [match[1]]: match[2] ?? '' };
};

interface CliOptions {
  trades: number;
  packedTrades: number;
  packSize: number;
  rawBatch: number;
  duration: number;
  rate: number;
  naiveConcurrency: number;
  pollMs: number;
  maxWait: number;
  reconcileTrades: number;
  only?: string[];
  json: boolean;
  cpuProf?: string;
  set: Record<string, string>;
  strict: boolean;
  verbose: boolean;
}

const program = new Command('bench')
  .description(
    'trade-sync benchmark: BullMQ and ClickHouse limits, the sink (one job per trade and packed), the naive peer, latency and worker RSS, ' +
      'measured in one run and printed as one table with ratios and goals.\n' +
      `Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}.`,
  )
  .option('--trades <n>', 'trades for the one-job-per-trade scenarios (no-op BullMQ drain, sink drain; the sink then takes half as many again from a live producer); also caps the naive peer', positiveInt('--trades'), 50_000)
  .option('--packed-trades <n>', 'trades for the packed sink and the raw ClickHouse insert', positiveInt('--packed-trades'), 200_000)
  .option('--pack-size <n>', 'trades per job in the packed scenario', positiveInt('--pack-size'), 100)
  .option('--raw-batch <n>', 'rows per INSERT in the raw ClickHouse scenario', positiveInt('--raw-batch'), 100_000)
  .option('--duration <s>', 'seconds of the latency run and time bound of the naive peer', positiveNumber('--duration'), 10)
  .option('--rate <r>', 'offered trades/s in the latency and ingest-e2e scenarios', positiveInt('--rate'), 5_000)
  .option('--naive-concurrency <n>', 'BullMQ concurrency of the naive peer', positiveInt('--naive-concurrency'), 16)
  .option('--poll-ms <ms>', 'ClickHouse poll interval of the latency scenario', positiveInt('--poll-ms'), 20)
  .option('--max-wait <s>', 'longest wait for one drain or for the latency tail; past it the scenario FAILs', positiveNumber('--max-wait'), 40)
  .option('--reconcile-trades <n>', 'trades of the reconcile scenario (a day of them; 2% missing from ClickHouse until repaired)', positiveInt('--reconcile-trades'), 5_000_000)
  .option('--only <scenario,...>', 'run only these scenarios (ratios needing others show n/a)', scenarioList)
  .option('--json', 'print the results as JSON on stdout instead of the table', false)
  .addOption(
    new Option('--set <TRADE_SYNC_NAME=value>', 'override a setting in every scenario, e.g. --set TRADE_SYNC_WORKER_CONCURRENCY=500 (repeatable)')
      .argParser(setting)
      .default({}, 'the shipped defaults'),
  )
  .option('--cpu-prof <dir>', 'run every child worker with node --cpu-prof, writing .cpuprofile files to <dir>')
  .option('--verbose', 'print how long each phase of each scenario took (stderr)', false)
  .addOption(new Option('--strict', 'exit 1 also when a goal is missed (not only on a failed count check)').default(false))
  .showHelpAfterError('(bench --help lists the options)');

async function preflight(): Promise<{ clickhouse: string; redis: string }> {
  const config = loadConfig({ ...serviceUrls(), TRADE_SYNC_HMAC_KEYS: BENCH_KEYS });
  await assertRedisReachable(config.redis.url);
  const client = createClickHouseClient(config, 'admin');
  try {
    await pingClickHouse(client, config.clickhouse.url);
    const { Redis } = await import('ioredis');
    const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const info = await redis.info('server');
    redis.disconnect();
    return { clickhouse: await serverVersion(client), redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
  } finally {
    await client.close();
  }
}

async function runScenario(scenario: Scenario, options: BenchOptions): Promise<ScenarioResult> {
  const report = new Report(scenario.name, scenario.title);
  const started = performance.now();
  try {
    await scenario.run(options, report);
  } catch (err) {
    report.problem(`crashed: ${(err as Error).message.split('\n')[0] ?? String(err)}`);
  }
  report.mark('cleanup');
  return report.result(performance.now() - started);
}

/** Ctrl-C: the child workers get the signal too (same process group); remove this run's queues and databases, then exit. */
function cleanupOnSignal(): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`\nbench: ${signal}: removing this run's queues and databases…\n`);
    void cleanupAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

async function main(): Promise<number> {
  program.parse(process.argv);
  cleanupOnSignal();
  const cli = program.opts<CliOptions>();
  loadConfig(cli.set); // a bad --set fails here, before any service is touched
  const options: BenchOptions = {
    trades: cli.trades,
    packedTrades: cli.packedTrades,
    packSize: cli.packSize,
    rawBatchRows: cli.rawBatch,
    durationS: cli.duration,
    rate: cli.rate,
    naiveConcurrency: cli.naiveConcurrency,
    pollMs: cli.pollMs,
    maxWaitS: cli.maxWait,
    reconcileTrades: cli.reconcileTrades,
    env: cli.set,
    cpuProfDir: cli.cpuProf,
  };
  const versions = await preflight();
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadavg: loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    clickhouse: versions.clickhouse,
    redis: versions.redis,
    startedAt: new Date().toISOString(),
  };
  const selected = SCENARIOS.filter((s) => cli.only === undefined || cli.only.includes(s.name));
  const results: ScenarioResult[] = [];
  const started = performance.now();
  for (const scenario of selected) {
    if (!cli.json) process.stderr.write(`▶ ${scenario.name}: ${scenario.title}\n`);
    const result = await runScenario(scenario, options);
    results.push(result);
    if (!cli.json) process.stderr.write(`  ${result.status === 'ok' ? 'done' : 'FAIL'} in ${(result.elapsedMs / 1000).toFixed(1)} s\n`);
    if (cli.verbose) process.stderr.write(`  phases: ${result.phases.map((p) => `${p.label} ${(p.ms / 1000).toFixed(1)} s`).join(', ')}\n`);
    await sleep(500); // let the last scenario's background work (merges, lock renewals) settle
  }
  const totalS = (performance.now() - started) / 1000;
  const loadEnd = loadavg().map((l) => Number(l.toFixed(2)));
  const goals = evaluateGoals(results);
  const judged = goals.filter((g) => g.info !== true);
  const failed = results.filter((r) => r.status === 'fail');
  const missed = judged.filter((g) => g.met === false);

  if (cli.json) {
    process.stdout.write(`${JSON.stringify({ machine: { ...machine, loadavgEnd: loadEnd }, options, totalSeconds: totalS, scenarios: results, goals, ok: failed.length === 0 }, null, 2)}\n`);
  } else {
    const out: string[] = [];
    out.push(
      `trade-sync bench — ${machine.cpus}× ${machine.cpuModel}, load avg ${machine.loadavg.join(' ')} at start, ${loadEnd.join(' ')} at end, node ${machine.node}, ClickHouse ${machine.clickhouse}, Redis ${machine.redis}`,
      `all figures from this one run (${totalS.toFixed(0)} s); worker settings: ${Object.keys(cli.set).length === 0 ? 'shipped defaults' : Object.entries(cli.set).map(([k, v]) => `${k}=${v}`).join(' ')}`,
      resultsTable(results, goals),
    );
    const notes = results.flatMap((r) => [...r.problems.map((p) => `${r.name}: FAIL: ${p}`), ...r.notes.map((n) => `${r.name}: ${n}`)]);
    if (notes.length > 0) out.push(notes.map((n) => `  • ${n}`).join('\n'));
    out.push(
      `goals: ${judged.filter((g) => g.met === true).length} met, ${missed.length} missed, ${judged.filter((g) => g.met === undefined).length} n/a` +
        (missed.length > 0 ? ` (missed: ${missed.map((g) => `${g.scenario} ${g.label}: ${formatGoal(g)}`).join('; ')})` : ''),
      `count checks: ${failed.length === 0 ? `all ${results.length} scenarios OK (count() FINAL == expected, DLQ empty)` : `${failed.length} FAILED: ${failed.map((r) => r.name).join(', ')}`}`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  }
  return failed.length > 0 || (cli.strict && missed.length > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).message ?? String(err)}\n`);
    process.exit(1);
  },
);
