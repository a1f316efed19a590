import type { Queue } from 'bullmq';
import type { TradeJobData } from '../../queues/index.js';
import type { Keyring } from '../../src/config/index.js';
import { parsePayload, readSignedPayload } from '../../src/trade/read-signed-payload.js';

type State = 'wait' | 'active' | 'delayed' | 'completed';

/**
 * Trade ids carried by the queue's jobs in these states, whatever the job kind: one-trade jobs,
 * signed packs and the ingest's jobs of several envelopes. With a keyring every envelope's
 * signature is verified too (a bad one throws).
 */
export async function queuedTradeIds(queue: Queue<TradeJobData>, keyring?: Keyring, states: State[] = ['wait', 'active', 'delayed', 'completed']): Promise<string[]> {
  const jobs = await queue.getJobs(states);
  const itemsOf = (e: unknown) => (keyring === undefined ? parsePayload((e as { payload: string }).payload) : readSignedPayload(keyring, e)).items;
  return jobs.flatMap((job) => job.data.envelopes.flatMap((e) => itemsOf(e).map((t) => (t as { trade_id: string }).trade_id)));
}
