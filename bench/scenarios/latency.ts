import { benchEnv } from '../lib/bench-env.js';
import { queryText } from '../lib/clickhouse-queries.js';
import { progress } from '../lib/progress.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { percentile, perSecond, sleep } from '../lib/timing.js';
import { noteWarnings, verifyPipeline } from '../lib/verify.js';
import { startTradeSyncWorker } from '../lib/worker-process.js';
import { SyntheticEngine } from '../../src/demo/synthetic-engine.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';

const TICK_MS = 10;
const TAIL_TIMEOUT_MS = 30_000;

/** Wall-clock time now, in microseconds since the epoch (performance.timeOrigin keeps sub-ms precision). */
const epochMicros = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));

/**
 * Publish → queryable latency at a steady offered rate (`--rate` trades/s for `--duration` s),
 * one job per trade, through `trade-sync worker`. Each trade's ts_ns is its publish time (µs,
 * plus its index in the publish call, so it is unique); the bench polls ClickHouse every
 * `--poll-ms` for rows above the oldest not-yet-seen ts_ns, and a row's visibility time is the
 * start of the first poll that returned it: an upper bound, late by at most one poll interval.
 * (inserted_at has one-second resolution, too coarse for this.)
 */
export const latency: Scenario = {
  name: 'latency',
  title: 'Latency, publish → queryable',
  async run(options, report) {
    const { env, config } = benchEnv('latency', options.env);
    await withResources(config, { database: true }, async (r) => {
      const client = r.clickhouse;
      if (client === undefined) throw new Error('no database');
      const total = Math.max(1, Math.round(options.rate * options.durationS));
      const publishedAt = new Float64Array(total);
      const seenAt = new Float64Array(total).fill(Number.NaN);
      const tsOf: bigint[] = [];
      const indexOf = new Map<string, number>();
      let sent = 0;
      let seen = 0;
      let firstUnseen = 0;
      let publishing = true;
      let polls = 0;
      let pollSpanMs = 0;
      let stopPolling = false;
      let poller: Promise<unknown> = Promise.resolve();

      const worker = await startTradeSyncWorker({ label: this.name, env, cpuProfDir: options.cpuProfDir });
      report.mark('start worker');
      const producer = new TradeProducer(config);
      const engine = new SyntheticEngine(6);
      const bar = progress(`${this.name}: ${options.rate}/s`, total);
      try {
        poller = (async () => {
          const firstPoll = performance.now();
          let tailDeadline = Infinity;
          while (!stopPolling) {
            const at = performance.now();
            const watermark = firstUnseen < sent ? (tsOf[firstUnseen] as bigint) - 1n : sent > 0 ? (tsOf[sent - 1] as bigint) : 0n;
            const rows = await queryText(client, `SELECT ts_ns FROM ${r.database}.trades WHERE ts_ns > ${watermark}`);
            polls += 1;
            pollSpanMs = at - firstPoll;
            for (const [ts] of rows) {
              const i = ts === undefined ? undefined : indexOf.get(ts);
              if (i !== undefined && Number.isNaN(seenAt[i])) {
                seenAt[i] = at;
                seen += 1;
              }
            }
            while (firstUnseen < sent && !Number.isNaN(seenAt[firstUnseen])) firstUnseen += 1;
            bar.update(seen);
            if (!publishing) {
              if (seen >= total) return;
              tailDeadline = Math.min(tailDeadline, performance.now() + TAIL_TIMEOUT_MS);
              if (performance.now() > tailDeadline) return;
            }
            const wait = options.pollMs - (performance.now() - at);
            if (wait > 0) await sleep(wait);
          }
        })();
        poller.catch(() => undefined); // handled: awaited below

        // Steady offered rate: every tick, publish the trades that have come due since the last one.
        const started = performance.now();
        try {
          while (sent < total) {
            const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate)) - sent;
            if (due <= 0) {
              await sleep(TICK_MS);
              continue;
            }
            const base = epochMicros() * 1000n;
            const at = performance.now();
            const trades = Array.from({ length: due }, (_, k) => {
              const ts = base + BigInt(k);
              const i = sent + k;
              tsOf[i] = ts;
              publishedAt[i] = at;
              indexOf.set(ts.toString(), i);
              return { ...engine.next(), ts_ns: ts.toString() };
            });
            await producer.publish(trades, { packSize: 1, backpressure: 'wait' });
            sent += due;
          }
        } finally {
          publishing = false;
        }
        const offeredMs = performance.now() - started;
        report.mark('publish');
        await poller; // a failed poll query fails the scenario here
        bar.stop();
        report.mark('tail');

        const latencies: number[] = [];
        for (let i = 0; i < total; i++) {
          const s = seenAt[i] as number;
          if (!Number.isNaN(s)) latencies.push(s - (publishedAt[i] as number));
        }
        latencies.sort((a, b) => a - b);
        report.figure('offered', `offered rate (target ${options.rate}/s for ${options.durationS} s)`, perSecond(total, offeredMs), 'trades/s');
        report.figure('p50', 'p50 publish → queryable', percentile(latencies, 50), 'ms');
        report.figure('p99', 'p99 publish → queryable', percentile(latencies, 99), 'ms');
        report.figure('max', 'max publish → queryable', latencies[latencies.length - 1] ?? Number.NaN, 'ms');
        report.figure('poll', `resolution: mean ClickHouse poll interval (target ${options.pollMs} ms)`, polls > 1 ? pollSpanMs / (polls - 1) : Number.NaN, 'ms');
        report.expect(seen === total, `${total - seen} of ${total} trades never became visible within ${TAIL_TIMEOUT_MS / 1000} s after publishing ended`);
        const rss = worker.peakRss();
        if (rss !== undefined) report.figure('rss', 'peak RSS of the worker (VmHWM)', rss / 2 ** 20, 'MiB');
      } finally {
        bar.stop();
        publishing = false;
        stopPolling = true;
        await poller.catch(() => undefined);
        await producer.close();
        const code = await worker.stop();
        report.expect(code === 0, `worker exited with ${code}`);
        report.mark('stop worker');
        noteWarnings(worker, report);
      }
      await verifyPipeline(r, total, report);
      report.mark('verify');
    });
  },
};
