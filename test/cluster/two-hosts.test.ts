import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDeadLetterQueue, createTradeQueues } from '../../queues/index.js';
import { queueForSymbol } from '../../src/partitions/partition-layout.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { activeJobs, jobOutcomes, type ActiveJob } from '../helpers/active-jobs.js';
import { queryText } from '../helpers/clickhouse-helpers.js';
import { nodeOfKey } from '../helpers/cluster-key-owner.js';
import { NetnsUnavailableError } from '../helpers/netns-hosts.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { spillRowCount } from '../helpers/spill-row-count.js';
import { alive } from '../helpers/supervisor-helpers.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { twoHosts, type TwoHosts } from '../helpers/two-hosts-fixture.js';
import { waitFor } from '../helpers/wait-for.js';
import { pendingJobs } from '../helpers/wait-for-drained.js';

const LOCK_MS = 5_000;
const STALLED_MS = 2_000;
/** Time for host B to process the jobs once they are back in wait, on a busy 2-core machine. */
const MARGIN_MS = 8_000;
const TRADES = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('two hosts on a Redis Cluster with 4 partitions: kill -9 of every process of host A mid-stream; host B takes over its active jobs within the stall window and every trade lands exactly once', { timeout: 120_000 }, async (t) => {
  let f: TwoHosts;
  try {
    f = await twoHosts(t, { TRADE_SYNC_PARTITIONS: '4', TRADE_SYNC_LOCK_DURATION_MS: String(LOCK_MS), TRADE_SYNC_STALLED_INTERVAL_MS: String(STALLED_MS) });
  } catch (err) {
    if (err instanceof NetnsUnavailableError) return t.skip(err.message);
    throw err;
  }
  const { config, hosts } = f;
  const queues = createTradeQueues(config, f.redis);
  const dlq = createDeadLetterQueue(config, f.redis);
  onCleanup(t, () => Promise.all([...queues, dlq].map((q) => q.close())));
  const owners = await Promise.all(queues.map((q) => nodeOfKey(f.cluster, `${config.redis.prefix}:${q.name}:meta`)));
  assert.ok(new Set(owners.map((n) => n.port)).size > 1, 'the partitions sit on more than one cluster node');

  const a = f.startSupervisor('a');
  const b = f.startSupervisor('b');
  const [workersA, workersB] = await Promise.all([a.waitForSinkWorkers(), b.waitForSinkWorkers()]);
  const pidsA = new Set(await hosts.pids('a'));
  assert.ok(pidsA.has(a.proc.pid) && workersA.every((p) => pidsA.has(p)), 'host A runs its supervisor and its sink processes in its namespace');
  assert.ok(!workersB.some((p) => pidsA.has(p)));

  const trades = Array.from({ length: TRADES }, (_, i) => makeTrade({ symbol: `H${i % 16}` }));
  assert.equal(new Set(trades.map((tr) => queueForSymbol(config.queues.layout, tr.symbol))).size, 4, 'the trades cover every partition');
  const producer = new TradeProducer(config);
  onCleanup(t, () => producer.close());
  let published = 0;
  const streaming = (async () => {
    for (let i = 0; i < TRADES; i += 400) {
      await producer.publish(trades.slice(i, i + 400), { packSize: 50 });
      published = i + 400;
      await sleep(40);
    }
  })();
  onCleanup(t, () => streaming.catch(() => undefined));

  // Host A dies while it holds jobs: every process in its namespace gets SIGKILL at once.
  await waitFor(async () => published, (n) => n >= TRADES / 4, 30_000, 'a quarter of the trades published');
  const busy = await waitFor(() => activeJobs(queues), (jobs) => jobs.some((j) => pidsA.has(j.pid)), 20_000, 'host A holding active jobs');
  const killed = await hosts.killAll('a');
  const killedAt = performance.now();
  assert.ok(busy.length > 0);
  assert.ok([a.proc.pid, ...workersA].every((p) => killed.includes(p)), `SIGKILL reached A's supervisor and sink processes (signalled ${killed.join(', ')})`);
  const stranded: ActiveJob[] = (await activeJobs(queues)).filter((j) => pidsA.has(j.pid));
  const publishedAtKill = published;
  t.diagnostic(`killed host A with ${stranded.length} jobs active on it, ${publishedAtKill} of ${TRADES} trades published`);
  assert.ok(stranded.length > 0, 'host A still held active jobs after it died, so the take-over is exercised');
  assert.ok(publishedAtKill < TRADES, 'host A died mid-stream');

  // Host B: the stalled-job check returns A's jobs to wait once their locks expire, and B completes them.
  const outcomes = await waitFor(() => jobOutcomes(stranded), (o) => o.every((j) => j.state === 'completed'), LOCK_MS + STALLED_MS + MARGIN_MS + 20_000, "host A's jobs completed");
  const takeoverMs = performance.now() - killedAt;
  t.diagnostic(`take-over of host A's ${stranded.length} active jobs: ${Math.round(takeoverMs)} ms (lock ${LOCK_MS} ms + stalled interval ${STALLED_MS} ms + margin ${MARGIN_MS} ms)`);
  assert.ok(takeoverMs <= LOCK_MS + STALLED_MS + MARGIN_MS, `take-over took ${Math.round(takeoverMs)} ms`);
  assert.ok(outcomes.every((o) => workersB.includes(o.pid)), `host B's sink processes completed every job host A held (by pid: ${outcomes.map((o) => o.pid).join(', ')})`);
  assert.ok(takeoverMs >= LOCK_MS / 2 - 500, 'no job was taken over before its lock could have expired');

  await streaming;
  assert.deepEqual(await hosts.pids('a'), [], 'nothing of host A came back');
  const count = async () => Number((await queryText(f.clickhouse, `SELECT count() FROM ${config.clickhouse.database}.trades FINAL`))[0]?.[0]);
  await waitFor(count, (n) => n >= TRADES, 60_000, `${TRADES} trades in ClickHouse (host B output: ${b.proc.output().slice(-2_000)})`);
  await waitFor(async () => (await Promise.all(queues.map(pendingJobs))).reduce((x, y) => x + y, 0), (n) => n === 0, 30_000, 'every partition drained');
  const db = config.clickhouse.database;
  const [[final, distinct] = []] = await queryText(f.clickhouse, `SELECT (SELECT count() FROM ${db}.trades FINAL), (SELECT count(DISTINCT trade_id) FROM ${db}.trades)`);
  assert.equal(Number(final), TRADES, 'count() FINAL equals the trades published');
  assert.equal(Number(distinct), TRADES, 'count(DISTINCT trade_id) equals the trades published');
  const stored = await queryText(f.clickhouse, `SELECT toString(trade_id) FROM ${db}.trades FINAL`);
  assert.deepEqual(stored.map((r) => r[0]).sort(), trades.map((tr) => tr.trade_id).sort(), 'the stored trades are exactly the published ones');
  for (const queue of queues) assert.deepEqual(await queue.getJobCounts('wait', 'active', 'delayed', 'failed'), { wait: 0, active: 0, delayed: 0, failed: 0 }, queue.name);
  assert.deepEqual(await dlq.getJobCounts('wait', 'active', 'delayed', 'completed', 'failed'), { wait: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
  assert.equal(await spillRowCount(b.env), 0, "host B's spill is empty");
  assert.equal(await spillRowCount(a.env), 0, "host A's spill is empty");
  assert.ok(alive(b.proc.pid) && workersB.every(alive), "host B's supervisor and sink processes still run");
});
