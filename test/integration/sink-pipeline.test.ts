import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { circuitBreaker, ConsecutiveBreaker, ConstantBackoff, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import { createDeadLetterQueue, createRedisConnection } from '../../queues/index.js';
import type { DecodedJob } from '../../src/sinks/decoded-job.js';
import { SinkPipeline } from '../../src/delivery/sink-pipeline.js';
import { DeadLetterPublisher } from '../../src/dlq/dead-letter-publisher.js';
import { createLogger } from '../../src/logger.js';
import { insertRetryPolicy } from '../../src/sinks/insert-retry-policy.js';
import type { TradeRow } from '../../src/sinks/trade-row.js';
import type { TradeSink } from '../../src/sinks/trade-sink.js';
import { makeTradeRow } from '../helpers/make-trade-row.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { tempSpillFile } from '../helpers/temp-spill-file.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';

const log = createLogger('silent');

/** A sink whose every insert fails as `fault` says (an injected fault), else records the rows. */
function faultySink(fault: (rows: readonly TradeRow[]) => Error | undefined): TradeSink & { inserted: string[]; calls: number } {
  const sink = {
    inserted: [] as string[],
    calls: 0,
    async insert(rows: readonly TradeRow[]) {
      sink.calls += 1;
      const err = fault(rows);
      if (err !== undefined) throw err;
      sink.inserted.push(...rows.map((r) => r.trade.trade_id));
    },
    async close() {},
  };
  return sink;
}

/**
 * A pipeline on a real DLQ (Redis; with no redrive worker running, dead letters stay waiting) and,
 * when `withSpill`, a real DuckDB spill file.
 */
function pipeline(t: TestContext, sink: TradeSink, withSpill: boolean, circuit?: CircuitBreakerPolicy) {
  const config = testConfig(testEnv());
  const connection = createRedisConnection(config, 'worker');
  const dlq = createDeadLetterQueue(config, connection);
  onCleanup(t, async () => {
    await dlq.obliterate({ force: true });
    await dlq.close();
    await connection.quit();
  });
  const spill = withSpill ? tempSpillFile(t).file : undefined;
  const p = new SinkPipeline({
    insert: { sink, retry: insertRetryPolicy({ attempts: 2, baseDelayMs: 1, maxDelayMs: 2 }), circuit, log },
    spill,
    deadLetters: new DeadLetterPublisher(dlq),
    redriveOutcomes: undefined,
    orders: undefined,
    queue: config.queues.trades,
  });
  return { p, dlq, spill };
}

const jobOf = (rows: TradeRow[]): DecodedJob => ({ jobId: 'j1', rows, rejects: [], bytes: 0 });
const unavailable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

test('duplicates are dropped and rows sorted by (symbol, ts_ns) before the one insert', async (t) => {
  const sink = faultySink(() => undefined);
  const { p } = pipeline(t, sink, false);
  const [a, b, c] = [makeTrade({ symbol: 'ZZZ' }), makeTrade({ symbol: 'AAA' }), makeTrade({ symbol: 'AAA' })];
  const rows = [a, b, c, a].map((x) => makeTradeRow(x));
  const out = await p.deliver([jobOf(rows)], log);
  assert.deepEqual(sink.inserted, [b.trade_id, c.trade_id, a.trade_id]);
  assert.equal(sink.calls, 1);
  assert.deepEqual([out.inserted, out.duplicates, out.spilled, out.deadLettered, out.received], [3, 1, 0, 0, 4]);
});

test('bad data: only the bad row is dead-lettered (CLICKHOUSE_BAD_DATA), the rest inserted', async (t) => {
  const bad = makeTrade({ venue: 'BAD' });
  const sink = faultySink((rows) => (rows.some((r) => r.trade.trade_id === bad.trade_id) ? new Error('Code: 27. DB::Exception: Cannot parse input') : undefined));
  const { p, dlq } = pipeline(t, sink, true);
  const good = Array.from({ length: 9 }, () => makeTrade());
  const out = await p.deliver([jobOf([...good, bad].map((x) => makeTradeRow(x)))], log);
  assert.deepEqual([out.inserted, out.spilled, out.deadLettered], [9, 0, 1]);
  const [letter] = await dlq.getWaiting();
  assert.equal(letter?.data.error.code, 'CLICKHOUSE_BAD_DATA');
  assert.equal(letter?.data.tradeId, bad.trade_id);
});

test('ClickHouse unavailable with a spill: the rows are in the spill file when deliver resolves, nothing dead-lettered', async (t) => {
  const sink = faultySink(unavailable);
  const { p, dlq, spill } = pipeline(t, sink, true);
  const rows = Array.from({ length: 25 }, () => makeTradeRow(makeTrade()));
  const out = await p.deliver([jobOf(rows)], log);
  assert.deepEqual([out.inserted, out.spilled, out.deadLettered], [0, 25, 0]);
  assert.equal(sink.calls, 2, 'retried once (attempts: 2) before spilling');
  assert.equal(await spill?.count(), 25);
  assert.equal(await dlq.getWaitingCount(), 0);
});

test('ClickHouse unavailable without a spill: every row is dead-lettered as CLICKHOUSE_RETRIES_EXHAUSTED', async (t) => {
  const { p, dlq } = pipeline(t, faultySink(unavailable), false);
  const out = await p.deliver([jobOf(Array.from({ length: 3 }, () => makeTradeRow(makeTrade())))], log);
  assert.deepEqual([out.inserted, out.spilled, out.deadLettered], [0, 0, 3]);
  assert.deepEqual((await dlq.getWaiting()).map((j) => j.data.error.code), Array(3).fill('CLICKHOUSE_RETRIES_EXHAUSTED'));
});

test('an open circuit spills at once, without calling the sink', async (t) => {
  const sink = faultySink(unavailable);
  const circuit = circuitBreaker(handleAll, { halfOpenAfter: new ConstantBackoff(60_000), breaker: new ConsecutiveBreaker(1) });
  const { p, spill } = pipeline(t, sink, true, circuit);
  await p.deliver([jobOf([makeTradeRow(makeTrade())])], log); // opens the circuit
  const calls = sink.calls;
  const out = await p.deliver([jobOf([makeTradeRow(makeTrade()), makeTradeRow(makeTrade())])], log);
  assert.equal(sink.calls, calls, 'the open circuit refused without a request');
  assert.equal(out.spilled, 2);
  assert.equal(await spill?.count(), 3);
});
