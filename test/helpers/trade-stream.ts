import { SyntheticEngine } from '../../src/demo/synthetic-engine.js';
import type { TradeProducer } from '../../src/producer/trade-producer.js';

export interface TradeStream {
  /** Trades whose publish call has resolved so far. */
  readonly published: number;
  /** Account written into the trades published from now on (to tell phases apart in ClickHouse). */
  account: string;
  /** Stops publishing; resolves with the final count once the last publish call resolved. */
  stop(): Promise<number>;
}

/**
 * Publishes synthetic trades continuously at about `perSecond` (in calls of `perTick` trades,
 * packed `packSize` per job) until stopped. A failed publish fails `stop()`.
 */
export function tradeStream(producer: TradeProducer, options: { perSecond: number; perTick?: number; packSize: number; account?: string }): TradeStream {
  const engine = new SyntheticEngine();
  const perTick = options.perTick ?? 100;
  const tickMs = (1_000 * perTick) / options.perSecond;
  let stopped = false;
  const state = { published: 0, account: options.account ?? 'ACC-001' };
  const started = Date.now();
  const loop = (async () => {
    for (let tick = 1; !stopped; tick++) {
      const account = state.account;
      await producer.publish(engine.take(perTick).map((trade) => ({ ...trade, account })), { packSize: options.packSize });
      state.published += perTick;
      const wait = started + tick * tickMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  loop.catch(() => undefined); // reported by stop()
  return {
    get published() {
      return state.published;
    },
    get account() {
      return state.account;
    },
    set account(value: string) {
      state.account = value;
    },
    async stop() {
      stopped = true;
      await loop;
      return state.published;
    },
  };
}
