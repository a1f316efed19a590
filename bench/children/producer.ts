/**
 * A producer process for the latency scenario: an engine calling `TradeProducer.publish(trade)`
 * once per synthetic fill at a steady rate, never awaiting one call before the next (the producer
 * coalesces them as configured); each trade's ts_ns is its publish time (epoch µs × 1000, plus its
 * index in the tick, so it is unique). Talks to the bench over IPC:
 *   → {type:'ready'}                        once connected
 *   ← {type:'start', rate, count, packSize} starts publishing
 *   → {type:'published', base, count}      before each publish call (base = first ts_ns)
 *   → {type:'done', sent, ms}               when all are published
 */
import { loadConfig } from '../../src/config/index.js';
import { SyntheticEngine } from '../../src/demo/synthetic-engine.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';

interface Start {
  type: 'start';
  rate: number;
  count: number;
  packSize: number;
}

const TICK_MS = 5;
const send = (message: unknown) => process.send?.(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const epochMicros = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));

const config = loadConfig();
const producer = new TradeProducer(config);
const engine = new SyntheticEngine(6);

async function publish({ rate, count, packSize }: Start): Promise<void> {
  const started = performance.now();
  let sent = 0;
  const calls: Promise<unknown>[] = [];
  // Every 5 ms tick, one publish(trade) call per trade due by then.
  for (let tick = 1; sent < count; tick++) {
    const wait = started + tick * TICK_MS - performance.now();
    if (wait > 0) await sleep(wait);
    const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate)) - sent;
    if (due <= 0) continue;
    const base = epochMicros() * 1000n;
    const trades = Array.from({ length: due }, (_, k) => ({ ...engine.next(), ts_ns: (base + BigInt(k)).toString() }));
    send({ type: 'published', base: base.toString(), count: due });
    for (const trade of trades) calls.push(producer.publish(trade, { packSize, backpressure: 'wait' }));
    sent += due;
  }
  await Promise.all(calls);
  send({ type: 'done', sent, ms: performance.now() - started });
}

process.on('message', (message: Start) => {
  if (message?.type !== 'start') return;
  publish(message).then(
    () => producer.close(),
    (err: unknown) => {
      process.stderr.write(`producer: ${(err as Error).message}\n`);
      process.exit(1);
    },
  ).then(() => process.disconnect?.());
});
send({ type: 'ready' });
