import type { Config } from '../../src/config/index.js';
import { SyntheticEngine } from '../../src/demo/synthetic-engine.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { progress } from './progress.js';

const pool: Trade[] = [];
const poolEngine = new SyntheticEngine(42);

/**
 * The first `count` fills of one seeded stream from the demo's synthetic engine, generated once
 * per bench run and shared by the scenarios (each has its own queues and database, so they can
 * all write the same trades). Callers must not mutate them.
 */
export function generateTrades(count: number): readonly Trade[] {
  while (pool.length < count) pool.push(poolEngine.next());
  return pool.slice(0, count);
}

/**
 * Publishes `trades` through the real TradeProducer (validate, sign, addBulk), `packSize` trades
 * per job, with a few publish calls in flight so filling is not the slow part of a run.
 */
export async function fillQueue(config: Config, trades: readonly Trade[], packSize: number, label: string): Promise<{ jobs: number; ms: number }> {
  const producer = new TradeProducer(config);
  const bar = progress(`${label}: filling queue`, trades.length);
  const started = performance.now();
  const chunk = packSize > 1 ? packSize * 50 : 2_000;
  let next = 0;
  let done = 0;
  let jobs = 0;
  try {
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < trades.length) {
          const slice = trades.slice(next, next + chunk);
          next += slice.length;
          const result = await producer.publish(slice, { packSize });
          jobs += result.jobs;
          done += slice.length;
          bar.update(done);
        }
      }),
    );
    return { jobs, ms: performance.now() - started };
  } finally {
    bar.stop();
    await producer.close();
  }
}
