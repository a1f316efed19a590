import { planIngestJobs } from '../../src/ingest/plan-ingest-jobs.js';
import { packTrades } from '../../src/producer/pack-trades.js';
import { signTrade } from '../../src/trade/signing.js';
import { buildInsertBody } from '../../src/sinks/clickhouse/build-insert-body.js';
import { prepareBatch } from '../../src/sinks/prepare-batch.js';
import { decodeJob } from '../../src/delivery/decode-job.js';
import { readSignedPayload } from '../../src/trade/read-signed-payload.js';
import { benchEnv } from '../lib/bench-env.js';
import type { Scenario } from '../lib/report.js';
import { generateTrades } from '../lib/trades.js';

const ROUNDS = 5;

/**
 * Best-of-ROUNDS µs per trade of `work` over `jobs`. Each job's data is JSON-parsed before the
 * clock starts (BullMQ does that for any processor, the no-op one included), so the figure is the
 * worker's own cost on top of BullMQ's.
 */
function microsPerTrade(jobs: readonly string[], trades: number, work: (data: unknown, i: number) => void): number {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const data = jobs.map((text) => JSON.parse(text) as unknown);
    const started = performance.now();
    data.forEach((d, i) => work(d, i));
    best = Math.min(best, ((performance.now() - started) * 1000) / trades);
  }
  return best;
}

/**
 * In this process, no Redis: what the worker spends per trade to take a job apart, by job kind,
 * on up to 100,000 of the bench's trades in jobs of `--pack-size` (best of 5 rounds; each job's
 * data JSON-parsed first, as BullMQ hands it to any processor):
 *  - `pack`: the producer's signed packs (one HMAC and one payload parse per job);
 *  - `ingest`: the ingest's jobs of the engine's own envelopes (one HMAC and one parse per trade);
 *  - `trade`: one job per trade;
 * the floor of any sink that verifies what it writes: a pack's HMAC and payload parse, with no
 * validation; and a batch's dedupe, sort and TSV encoding. These are CPU on the worker's one
 * thread, on top of BullMQ's own cost (orders, metrics and garbage collection come on top).
 */
export const decode: Scenario = {
  name: 'decode',
  title: "The worker's own CPU per trade: decoding each job kind, encoding a batch (in-process)",
  async run(options, report) {
    const { config } = benchEnv('decode', options.env);
    const keyring = config.keyring;
    const trades = generateTrades(Math.min(options.packedTrades, 100_000));
    const size = options.packSize;
    const packs = packTrades(keyring, trades, size).map((j) => JSON.stringify({ envelopes: [j.envelope] }));
    const ingest = planIngestJobs(trades.map((t) => ({ envelope: signTrade(keyring, t), tradeId: t.trade_id })), size).map((j) => JSON.stringify(j.data));
    const single = trades.map((t) => JSON.stringify({ envelopes: [signTrade(keyring, t)] }));
    report.mark('sign');
    let rows = 0;
    const decodeAll = (data: unknown, i: number) => {
      rows += decodeJob(keyring, `j${i}`, data).rows.length;
    };
    const pack = microsPerTrade(packs, trades.length, decodeAll);
    const ingestCost = microsPerTrade(ingest, trades.length, decodeAll);
    const one = microsPerTrade(single, trades.length, decodeAll);
    const floor = microsPerTrade(packs, trades.length, (data) => {
      readSignedPayload(keyring, (data as { envelopes: unknown[] }).envelopes[0]);
    });
    const kid = keyring.signingKid ?? '';
    const batchRows = config.worker.batchMaxRows;
    const encode = microsPerTrade([JSON.stringify(trades)], trades.length, (data) => {
      const all = (data as typeof trades).map((trade) => ({ trade, kid, source: { jobId: '', index: 0, envelope: null } }));
      for (let i = 0; i < all.length; i += batchRows) buildInsertBody(prepareBatch(all.slice(i, i + batchRows)).unique);
    });
    report.expect(rows === 3 * ROUNDS * trades.length, `decoded ${rows} rows, expected ${3 * ROUNDS * trades.length}`);
    report.figure('pack', `signed pack of ${size} (producer): HMAC, parse, validate`, pack, 'µs/trade');
    report.figure('ingest', `ingest job of ${size} engine-signed envelopes: the same per envelope`, ingestCost, 'µs/trade');
    report.figure('trade', 'one job per trade: the same', one, 'µs/trade');
    report.figure('floor', `floor of any verifying sink: a pack's HMAC and payload parse, no validation`, floor, 'µs/trade');
    report.figure('encode', `a batch of ${batchRows.toLocaleString('en-US')} rows: dedupe, sort by (symbol, ts_ns), TSV body`, encode, 'µs/trade');
    report.mark('decode');
  },
};
