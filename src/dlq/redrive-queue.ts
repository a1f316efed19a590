import type { DeadLetter } from '../../queues/index.js';
import { partitionOf } from '../partitions/symbol-hash.js';
import type { PartitionLayout } from '../partitions/partition-layout.js';

/**
 * The trades queue a redriven dead letter goes back to: its symbol's partition in the current
 * layout, so the symbol's fills and orders stay on one partition (also after a repartition, when
 * a queue name of the old layout may name another partition now). The symbol is read from the
 * unverified payload (the first dead item's trade of a pack) for routing only; the sink verifies
 * it as always. A letter whose symbol cannot be read goes back where it came from when this layout
 * has that queue, else to partition 0, where it is verified and dead-lettered again with its code.
 */
export function redriveQueue(layout: PartitionLayout, letter: Pick<DeadLetter, 'envelope' | 'source' | 'items'>): string {
  const symbol = unverifiedSymbol(letter.envelope, letter.items?.[0]?.item ?? 0);
  if (symbol !== undefined) return layout.tradeQueues[partitionOf(symbol, layout.count)] as string;
  return layout.tradeQueues.includes(letter.source.queue) ? letter.source.queue : (layout.tradeQueues[0] as string);
}

function unverifiedSymbol(envelope: unknown, item: number): string | undefined {
  const payload = (envelope as { payload?: unknown } | null)?.payload;
  if (typeof payload !== 'string') return undefined;
  try {
    const body: unknown = JSON.parse(payload);
    const trade: unknown = Array.isArray(body) ? body[item] : body;
    const symbol = (trade as { symbol?: unknown } | null)?.symbol;
    return typeof symbol === 'string' ? symbol : undefined;
  } catch {
    return undefined;
  }
}
