import { packJobId } from '../../queues/pack-job-id.js';
import type { Keyring } from '../trade/keyring.js';
import { MAX_PACK_TRADES, type SignedEnvelope } from '../trade/signed-envelope.js';
import { signPack, signTrade } from '../trade/signing.js';
import type { Trade } from '../trade/trade-schema.js';

export interface PlannedJob {
  readonly name: 'trade' | 'pack';
  readonly jobId: string;
  /** One trade, or a signed pack of them. */
  readonly envelope: SignedEnvelope;
}

/**
 * Signs trades into jobs: one job per trade with jobId = trade_id (packSize 1), or signed packs
 * of up to `packSize` (at most MAX_PACK_TRADES) trades, one signature each, whose jobId is a
 * hash of their trade ids, so re-publishing the same pack is a no-op in the queue.
 */
export function packTrades(keyring: Keyring, trades: readonly Trade[], packSize: number): PlannedJob[] {
  if (packSize <= 1) return trades.map((trade) => ({ name: 'trade', jobId: trade.trade_id, envelope: signTrade(keyring, trade) }));
  const size = Math.min(packSize, MAX_PACK_TRADES);
  const jobs: PlannedJob[] = [];
  for (let i = 0; i < trades.length; i += size) {
    const chunk = trades.slice(i, i + size);
    jobs.push({ name: 'pack', jobId: packJobId('p', chunk.map((t) => t.trade_id)), envelope: signPack(keyring, chunk) });
  }
  return jobs;
}
