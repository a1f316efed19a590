import { createHash } from 'node:crypto';
import type { SignedEnvelope } from '../trade/signed-envelope.js';
import type { Trade } from '../trade/trade-schema.js';

export interface PlannedJob {
  readonly name: 'trade' | 'pack';
  readonly jobId: string;
  readonly envelopes: SignedEnvelope[];
}

/**
 * Groups signed trades into jobs: one job per trade with jobId = trade_id (packSize 1), or packs
 * of up to `packSize` trades whose jobId is a hash of their trade ids, so re-publishing the same
 * pack is a no-op in the queue.
 */
export function packTrades(items: readonly { trade: Trade; envelope: SignedEnvelope }[], packSize: number): PlannedJob[] {
  if (packSize <= 1) return items.map(({ trade, envelope }) => ({ name: 'trade', jobId: trade.trade_id, envelopes: [envelope] }));
  const jobs: PlannedJob[] = [];
  for (let i = 0; i < items.length; i += packSize) {
    const chunk = items.slice(i, i + packSize);
    const hash = createHash('sha256');
    for (const { trade } of chunk) hash.update(trade.trade_id);
    jobs.push({ name: 'pack', jobId: `p.${hash.digest('hex').slice(0, 40)}`, envelopes: chunk.map((c) => c.envelope) });
  }
  return jobs;
}
