import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { OrderThresholds } from '../../src/config/order-thresholds.js';
import { seededRandom } from '../../src/demo/seeded-random.js';
import { computeOrderExact } from '../../src/orders/compute-order-exact.js';
import type { TradeRow } from '../../src/sinks/trade-row.js';
import { normalizeDecimal } from '../../src/trade/decimal.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { queryText } from './clickhouse-helpers.js';
import type { OrderModelWorld, ModelWorker } from './order-model-world.js';
import { fillRow } from './order-tracker-fixture.js';

/** One order of a scenario: its fills' quantities (in halves) and prices; cancelled before its quantity; one fill never delivered (an index), or none. */
export interface ModelOrder {
  readonly halves: readonly number[];
  readonly prices: readonly string[];
  readonly cancelled: boolean;
  readonly lost: number | undefined;
  /** Account and order id lengths are at most 64: long ids make large queries. */
  readonly longIds?: boolean;
  /** Its fills delivered last first (when the scenario is not shuffled). */
  readonly reversed?: boolean;
}

export type ModelStep =
  | { readonly kind: 'batch'; readonly worker: number; readonly jobs: number; readonly clickHouseUp: boolean; readonly crashBeforeAck: boolean }
  | { readonly kind: 'side-by-side'; readonly worker: number; readonly jobs: number }
  | { readonly kind: 'tick'; readonly ms: number }
  | { readonly kind: 'crash'; readonly worker: number }
  | { readonly kind: 'restart'; readonly worker: number };

export interface ModelScenario {
  readonly orders: readonly ModelOrder[];
  /** Fills (by index into all delivered fills) delivered a second time. */
  readonly duplicates: readonly number[];
  /** Seed of the delivery order (fills shuffled); undefined: in order, order after order. */
  readonly seed: number | undefined;
  readonly steps: readonly ModelStep[];
}

export interface ModelResult {
  /** Longest wait (model ms) from a complete order's last fill acknowledged to its complete row. */
  readonly longestWaitMs: number;
  readonly completeOrders: number;
  readonly incompleteOrders: number;
}

const half = (h: number) => (h % 2 === 0 ? `${h / 2}` : `${(h - 1) / 2}.5`);

/** The scenario's fills per order (those delivered), in each order's fill sequence. */
function buildOrders(world: OrderModelWorld, scenario: ModelScenario): { member: string; fills: Trade[]; delivered: Trade[]; complete: boolean }[] {
  let ts = 1_763_776_000_000_000_000n;
  return scenario.orders.map((o, i) => {
    const account = o.longIds ? world.account.padEnd(64, 'a') : world.account;
    const orderId = o.longIds ? `O${i}-`.padEnd(64, 'x') : `O${i}`;
    const total = o.halves.reduce((a, b) => a + b, 0);
    let cum = 0;
    const fills = o.halves.map((h, n) => {
      cum += h;
      const last = n === o.halves.length - 1;
      ts += 1_000n;
      return {
        schema_version: 1, trade_id: randomUUID(), order_id: orderId, fill_seq: n + 1, symbol: 'MODEL', side: 'buy',
        price: o.prices[n % o.prices.length] ?? '10', qty: half(h), order_qty: half(o.cancelled ? total + 1 : total), cum_qty: half(cum),
        order_status: !last ? 'partial' : o.cancelled ? 'cancelled' : 'filled', ts_ns: ts.toString(), venue: 'XMOD', account,
      } as Trade;
    });
    const lost = o.lost !== undefined && fills.length > 1 ? o.lost % fills.length : undefined;
    const delivered = fills.filter((_, n) => n !== lost);
    if (o.reversed) delivered.reverse();
    return { member: `${account}|${orderId}`, fills, delivered, complete: lost === undefined };
  });
}

/**
 * Runs a scenario: fills as jobs, delivered in batches to three workers until acknowledged
 * (a failed batch's jobs come again; a worker that dies before acknowledging sends its batch
 * again), the clock moved with each worker's timers (carry aging, sweeps) run as they fall due,
 * then faults off: every job delivered, time run past twice the timeout, workers stopped. Then
 * the invariant is checked against computeOrderExact (see orders-model.test.ts).
 */
export async function runModel(world: OrderModelWorld, t: OrderThresholds, scenario: ModelScenario, database: string, client: Parameters<typeof queryText>[0]): Promise<ModelResult> {
  const orders = buildOrders(world, scenario);
  const all = orders.flatMap((o) => o.delivered);
  const random = seededRandom(scenario.seed ?? 0);
  const queue: TradeRow[] = [...all, ...scenario.duplicates.filter(() => all.length > 0).map((d) => all[d % all.length] as Trade)].map(fillRow);
  for (let i = scenario.seed === undefined ? 0 : queue.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [queue[i], queue[j]] = [queue[j] as TradeRow, queue[i] as TradeRow];
  }
  const acked = new Set<string>();
  const completeAt = new Map<string, number>();
  const workers: ModelWorker[] = [world.worker(), world.worker(), world.worker()];
  const timers = workers.map(() => ({ sweep: world.now + t.sweepIntervalMs }));
  const ack = (rows: readonly TradeRow[]) => {
    for (const r of rows) acked.add(r.trade.trade_id);
    for (const o of orders) if (o.complete && !completeAt.has(o.member) && o.delivered.every((f) => acked.has(f.trade_id))) completeAt.set(o.member, world.now);
  };
  const replaceDead = () => workers.forEach((w, i) => void (w.dead && (workers[i] = world.worker())));
  const quiet = <T>(p: Promise<T>) => p.then(() => undefined, () => undefined);
  const settle = async () => {
    for (const w of workers) await quiet(w.tracker.settle());
    replaceDead();
  };
  const deliver = async (worker: ModelWorker, jobs: number, clickHouseUp = true, crashBeforeAck = false) => {
    const rows = queue.splice(0, jobs);
    if (rows.length === 0) return;
    try {
      await worker.tracker.afterBatch(rows, clickHouseUp);
      if (crashBeforeAck || worker.dead) throw new Error('died before acknowledging');
      ack(rows);
    } catch {
      if (crashBeforeAck) worker.dead = true;
      queue.unshift(...rows); // BullMQ delivers the jobs again
    }
  };
  /** afterBatch's contract: once a batch's jobs are acknowledged, each of its fills is in Redis or in its order's complete row. */
  const assertDurable = async (after: ModelStep) => {
    const inRedis = await world.fillsInRedis();
    for (const o of orders) {
      if (world.completeRowAt.has(o.member)) continue;
      for (const f of o.delivered) assert.ok(!acked.has(f.trade_id) || inRedis.has(f.trade_id), `fill ${f.trade_id} of ${o.member} was acknowledged but is neither in Redis nor in a written row (after ${JSON.stringify(after)})`);
    }
  };
  const tick = async (ms: number) => {
    const step = Math.max(1, Math.floor(t.carryMs / 2));
    for (let moved = 0; moved < ms; moved += step) {
      world.now += step;
      for (const [i, w] of workers.entries()) {
        await quiet(w.tracker.age());
        const timer = timers[i] as { sweep: number };
        if (world.now >= timer.sweep) {
          timer.sweep = world.now + t.sweepIntervalMs;
          await quiet(w.tracker.sweep());
        }
      }
      await settle();
    }
  };
  for (const step of scenario.steps) {
    if (step.kind === 'batch') await deliver(workers[step.worker] as ModelWorker, step.jobs, step.clickHouseUp, step.crashBeforeAck);
    else if (step.kind === 'side-by-side') {
      const w = workers[step.worker] as ModelWorker;
      await Promise.all([deliver(w, step.jobs), deliver(w, step.jobs)]);
    } else if (step.kind === 'tick') await tick(step.ms);
    else if (step.kind === 'crash') (workers[step.worker] as ModelWorker).dead = true;
    else await quiet((workers[step.worker] as ModelWorker).tracker.stop()).then(() => void ((workers[step.worker] as ModelWorker).dead = true));
    await settle();
    await assertDurable(step);
  }
  world.faultsOn = false;
  while (queue.length > 0) {
    await deliver(workers[0] as ModelWorker, 5);
    await settle();
  }
  await tick(2 * t.timeoutMs + 3 * t.sweepIntervalMs);
  for (const w of workers) await w.tracker.stop();
  await world.worker().tracker.sweep(world.now + t.timeoutMs + t.sweepIntervalMs);
  return check(world, orders, completeAt, database, client);
}

async function check(world: OrderModelWorld, orders: ReturnType<typeof buildOrders>, completeAt: ReadonlyMap<string, number>, database: string, client: Parameters<typeof queryText>[0]): Promise<ModelResult> {
  const rows = await queryText(client, `SELECT account, order_id, status, filled_qty, notional, vwap, fill_count, first_ts_ns, last_ts_ns, version FROM ${database}.orders FINAL WHERE account LIKE '${world.account}%'`);
  const actual = new Map<string, string[]>();
  for (const r of rows) {
    const member = `${r[0]}|${r[1]}`;
    assert.ok(!actual.has(member), `one row per order in FINAL: ${member}`);
    actual.set(member, r.slice(2).map((v, i) => (i >= 1 && i <= 3 ? normalizeDecimal(v) : v)));
  }
  const open: string[] = [];
  let longestWaitMs = 0;
  for (const o of orders) {
    const [account, orderId] = [o.delivered[0]?.account ?? '', o.delivered[0]?.order_id ?? ''];
    const exact = computeOrderExact(account, orderId, o.delivered, true);
    if (exact === undefined) {
      assert.equal(actual.get(o.member), undefined, `no row for an order none of whose fills arrived: ${o.member}`);
      continue;
    }
    const want = [exact.status, exact.filledQty, exact.notional, exact.vwap, String(exact.fillCount), exact.firstTsNs, exact.lastTsNs, String(exact.version)];
    assert.deepEqual(actual.get(o.member), want, `order ${o.member} (${o.complete ? 'complete' : 'incomplete'}): its row in FINAL equals the exact computation over its delivered fills`);
    if (exact.status === 'incomplete') open.push(o.member);
    else {
      const wait = (world.completeRowAt.get(o.member) ?? Infinity) - (completeAt.get(o.member) ?? 0);
      longestWaitMs = Math.max(longestWaitMs, wait);
    }
  }
  const keys = await world.keys();
  const expected = new Set(['incomplete', 'incomplete-total', 'ended', ...open.map((m) => `fills:${m}`)]);
  assert.deepEqual(keys.filter((k) => !expected.has(k)), [], 'Redis holds only open (incomplete) orders: no batch record, nothing pending, nothing of a written order');
  assert.deepEqual((await world.zrange('incomplete')).sort(), [...open].sort(), 'every incomplete order is open as incomplete');
  for (const m of await world.zrange('ended')) assert.ok(open.includes(m), `only open orders are in 'ended' (${m})`);
  return { longestWaitMs, completeOrders: orders.length - open.length, incompleteOrders: open.length };
}
