import { JOB_NAMES, type TradeJobData } from '../../queues/index.js';
import { packJobId } from '../../queues/pack-job-id.js';
import type { SignedEnvelope } from '../trade/signed-envelope.js';

export interface IngestJob {
  readonly name: typeof JOB_NAMES.ingest | typeof JOB_NAMES.trade;
  readonly data: TradeJobData;
  readonly opts: { readonly jobId: string };
}

/** Jobs needed for `trades` accepted trades at `packSize` trades per job. */
export function ingestJobCount(trades: number, packSize: number): number {
  return Math.ceil(trades / Math.max(1, packSize));
}

/**
 * A request's accepted trades as jobs: up to `packSize` of the engine's own envelopes per job,
 * unchanged, so the worker verifies each trade against the engine's signature (the ingest host
 * cannot forge one) and dead-letters a bad one alone. packSize 1 keeps one job per trade
 * (jobId = trade_id).
 */
export function planIngestJobs(trades: readonly { envelope: SignedEnvelope; tradeId: string }[], packSize: number): IngestJob[] {
  if (packSize <= 1) return trades.map((t) => ({ name: JOB_NAMES.trade, data: { envelopes: [t.envelope] }, opts: { jobId: t.tradeId } }));
  const jobs: IngestJob[] = [];
  for (let i = 0; i < trades.length; i += packSize) {
    const envelopes = trades.slice(i, i + packSize).map((t) => t.envelope);
    jobs.push({ name: JOB_NAMES.ingest, data: { envelopes }, opts: { jobId: packJobId('i', envelopes.map((e) => e.sig)) } });
  }
  return jobs;
}
