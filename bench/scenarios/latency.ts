import { benchEnv } from '../lib/bench-env.js';
import { queryText } from '../lib/clickhouse-queries.js';
import { startProducer } from '../lib/producer-process.js';
import { progress } from '../lib/progress.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { reportRss } from '../lib/rss.js';
import { percentile, perSecond, sleep } from '../lib/timing.js';
import { noteWarnings, verifyPipeline } from '../lib/verify.js';
import { startTradeSyncWorker } from '../lib/worker-process.js';

/** Wall-clock now in ms with sub-ms precision (the producer process uses the same clock). */
const epochMs = (): number => performance.timeOrigin + performance.now();

/**
 * Publish → queryable latency at a steady offered rate (`--rate` trades/s for `--duration` s),
 * through `trade-sync worker`. The engine (a producer process, bench/children/producer.ts) calls
 * TradeProducer.publish with the trades due every 5 ms tick: `latency` with the producer's
 * default, one job per trade (or `--latency-pack`), `latency-packed` with each call's trades in
 * signed packs of up to `--pack-size`.
 *
 * Each trade's ts_ns is the wall-clock time its publish call started. This process only polls
 * ClickHouse, every `--poll-ms`, for rows above the oldest ts_ns not yet seen; a row's visibility
 * time is the start of the first poll that returned it: an upper bound, late by at most one poll
 * interval (the measured mean interval is printed). inserted_at has one-second resolution, too
 * coarse for this.
 */
function latencyWith(name: string, packed: boolean, title: string): Scenario {
  return {
    name,
    title,
    async run(options, report) {
      const { env, config } = benchEnv(packed ? 'latpk' : 'latency', options.env);
      const packSize = packed ? options.packSize : options.latencyPackSize;
      await withResources(config, { database: true }, report, async (r) => {
        const client = r.clickhouse;
        if (client === undefined) throw new Error('no database');
        const total = Math.max(1, Math.round(options.rate * options.durationS));
        // Trades in publish order: ts_ns strictly increases (publish calls are sequential, µs apart).
        const tsOf: bigint[] = [];
        const indexOf = new Map<string, number>();
        const latencyOf = new Float64Array(total).fill(Number.NaN);
        let seen = 0;
        let firstUnseen = 0;
        let publishing = true;
        let stopPolling = false;
        let polls = 0;
        let pollSpanMs = 0;
        let poller: Promise<unknown> = Promise.resolve();

        const worker = await startTradeSyncWorker({ label: this.name, env, cpuProfDir: options.cpuProfDir });
        const producer = await startProducer(env, (base, count) => {
          for (let k = 0; k < count; k++) {
            const ts = base + BigInt(k);
            indexOf.set(ts.toString(), tsOf.length);
            tsOf.push(ts);
          }
        });
        report.mark('start processes');
        const bar = progress(`${this.name}: ${options.rate}/s`, total);
        try {
          poller = (async () => {
            const firstPoll = performance.now();
            let tailDeadline = Infinity;
            while (!stopPolling) {
              const at = performance.now();
              const atEpoch = epochMs();
              const sent = tsOf.length;
              const watermark = firstUnseen < sent ? (tsOf[firstUnseen] as bigint) - 1n : sent > 0 ? (tsOf[sent - 1] as bigint) : 0n;
              const rows = await queryText(client, `SELECT ts_ns FROM ${r.database}.trades WHERE ts_ns > ${watermark}`);
              polls += 1;
              pollSpanMs = at - firstPoll;
              for (const [ts] of rows) {
                const i = ts === undefined ? undefined : indexOf.get(ts);
                if (i !== undefined && Number.isNaN(latencyOf[i])) {
                  // ts_ns is the publish time in ns since the epoch.
                  latencyOf[i] = atEpoch - Number((tsOf[i] as bigint) / 1000n) / 1000;
                  seen += 1;
                }
              }
              while (firstUnseen < tsOf.length && !Number.isNaN(latencyOf[firstUnseen])) firstUnseen += 1;
              bar.update(seen);
              if (worker.exitStatus() !== undefined) {
                report.problem(`the worker process exited (${worker.exitStatus()}) during the run`);
                return;
              }
              if (!publishing) {
                if (seen >= total) return;
                tailDeadline = Math.min(tailDeadline, performance.now() + options.maxWaitS * 1000);
                if (performance.now() > tailDeadline) return;
              }
              const wait = options.pollMs - (performance.now() - at);
              if (wait > 0) await sleep(wait);
            }
          })();
          poller.catch(() => undefined); // handled: awaited below

          let offered: { sent: number; ms: number };
          try {
            offered = await producer.run({ rate: options.rate, count: total, packSize });
          } finally {
            publishing = false;
          }
          report.mark('publish');
          await poller; // a failed poll query fails the scenario here
          bar.stop();
          report.mark('tail');

          const latencies = Array.from(latencyOf).filter((x) => !Number.isNaN(x));
          latencies.sort((a, b) => a - b);
          const pack = packSize === 1 ? 'one job per trade' : `signed packs of ≤ ${packSize} trades`;
          report.figure('offered', `offered rate (target ${options.rate}/s for ${options.durationS} s, ${pack})`, perSecond(offered.sent, offered.ms), 'trades/s');
          report.figure('p50', 'p50 publish → queryable', percentile(latencies, 50), 'ms');
          report.figure('p99', 'p99 publish → queryable', percentile(latencies, 99), 'ms');
          report.figure('max', 'max publish → queryable', latencies[latencies.length - 1] ?? Number.NaN, 'ms');
          report.figure('poll', `resolution: mean ClickHouse poll interval (target ${options.pollMs} ms)`, polls > 1 ? pollSpanMs / (polls - 1) : Number.NaN, 'ms');
          report.expect(offered.sent === total, `the producer published ${offered.sent} of ${total} trades`);
          report.expect(seen === total, `${total - seen} of ${total} trades never became visible within ${options.maxWaitS} s after publishing ended (--max-wait)`);
          reportRss(report, worker);
        } finally {
          bar.stop();
          publishing = false;
          stopPolling = true;
          await poller.catch(() => undefined);
          await producer.stop();
          const code = await worker.stop();
          report.expect(code === 0, `worker exited with ${code}`);
          report.mark('stop processes');
          noteWarnings(worker, report);
        }
        await verifyPipeline(r, total, report);
        report.mark('verify');
      });
    },
  };
}

export const latency = latencyWith('latency', false, 'Latency, publish → queryable');

/** The same engine with the producer packing each publish call: what a high-rate engine would run. */
export const latencyPacked = latencyWith('latency-packed', true, 'Latency, publish → queryable, packed');
