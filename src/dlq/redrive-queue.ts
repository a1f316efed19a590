import type { DeadLetter } from '../../queues/index.js';
import { partitionOf } from '../partitions/symbol-hash.js';
import type { PartitionLayout } from '../partitions/partition-layout.js';

/**
 * The trades queue a redriven dead letter goes back to: the partition it came from, so its
 * symbol's fills and orders stay on one partition. A letter from a queue this layout no longer
 * has (partitions changed since it died) goes to its symbol's partition, read from the
 * unverified payload for routing only (the sink verifies it as always); anything unreadable goes
 * to partition 0, where it is verified and dead-lettered again with its own code.
 */
export function redriveQueue(layout: PartitionLayout, letter: Pick<DeadLetter, 'envelope' | 'source'>): string {
  if (layout.tradeQueues.includes(letter.source.queue)) return letter.source.queue;
  const symbol = unverifiedSymbol(letter.envelope);
  return layout.tradeQueues[symbol === undefined ? 0 : partitionOf(symbol, layout.count)] as string;
}

function unverifiedSymbol(envelope: unknown): string | undefined {
  const payload = (envelope as { payload?: unknown } | null)?.payload;
  if (typeof payload !== 'string') return undefined;
  try {
    const body: unknown = JSON.parse(payload);
    const first: unknown = Array.isArray(body) ? body[0] : body;
    const symbol = (first as { symbol?: unknown } | null)?.symbol;
    return typeof symbol === 'string' ? symbol : undefined;
  } catch {
    return undefined;
  }
}
