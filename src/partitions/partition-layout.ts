import { keySlot, SLOTS } from './key-slot.js';
import { partitionOf } from './symbol-hash.js';

/**
 * The Redis names of the queues and state, from the configured names and partition count.
 *
 * A BullMQ queue lives in one hash slot, so on a Redis Cluster each queue needs a hash tag, and so
 * does every multi-key script of the state around it. With one partition on a single Redis nothing
 * is tagged and every key keeps its name (`trade-sync:trades:…`). With more partitions the trades
 * queue becomes N queues `{trades.0~k}` … (each its own slot on a cluster, and its orders state,
 * `prefix:{trades.i~k}:orders:…`, with it). On a Redis Cluster the dead-letter queue becomes
 * `{trades-dlq}` and global state (supervisor, heartbeats, sessions, nonces, audit) lives under
 * `prefix:{trades}:…`, one slot of its own; on a single Redis they keep their names whatever the
 * partition count, so changing the count there moves no dead letter and no desired state.
 *
 * A cluster gives each node an even share of the slot range, so partition i's tag is picked to
 * hash near the middle of the i-th N-th of the slot range (`{trades.i}`, or `{trades.i~k}` with
 * the smallest k that lands there): the partitions spread evenly over the nodes instead of where
 * their names happen to hash (with 4 random names over 3 nodes, one node often gets none).
 */
export interface PartitionLayout {
  /** TRADE_SYNC_PARTITIONS. */
  readonly count: number;
  /** True when the partition queues carry hash tags (more than one partition, or a Redis Cluster). */
  readonly tagged: boolean;
  /** The BullMQ queue of each partition, index = partition number. */
  readonly tradeQueues: readonly string[];
  /** The BullMQ dead-letter queue. */
  readonly dlqQueue: string;
  /** The name global state keys are built on (`prefix:<stateName>:…`). */
  readonly stateName: string;
}

export function partitionLayout(trades: string, dlq: string, count: number, cluster: boolean): PartitionLayout {
  const tagged = cluster || count > 1;
  return {
    count,
    tagged,
    tradeQueues: Array.from({ length: count }, (_, i) => (tagged ? `{${spreadTag(`${trades}.${i}`, i, count)}}` : trades)),
    dlqQueue: cluster ? `{${dlq}}` : dlq,
    stateName: cluster ? `{${trades}}` : trades,
  };
}

/**
 * `base`, or `base~k` with the smallest k, whose slot falls near the middle of the i-th of
 * `count` equal parts of the slot range (within 1/16 of a part of it), so that where nodes split
 * the slot range evenly, the partitions split evenly over the nodes.
 */
function spreadTag(base: string, i: number, count: number): string {
  const part = SLOTS / count;
  const middle = (i + 0.5) * part;
  const reach = Math.max(1, part / 16);
  for (let k = 0; ; k++) {
    const tag = k === 0 ? base : `${base}~${k}`;
    if (Math.abs(keySlot(tag) + 0.5 - middle) <= reach) return tag;
  }
}

/** The BullMQ queue a trade of this symbol goes to. */
export function queueForSymbol(layout: PartitionLayout, symbol: string): string {
  return layout.tradeQueues[partitionOf(symbol, layout.count)] as string;
}

/** The partition number of one of the layout's queues, or -1 when the name is not one of them. */
export function partitionOfQueue(layout: PartitionLayout, queue: string): number {
  return layout.tradeQueues.indexOf(queue);
}

/**
 * Parses `--partitions 0-3,6` (ranges and single numbers) against the layout's count; throws a
 * one-line Error naming the bad part. Undefined or empty means every partition.
 */
export function parsePartitionList(text: string | undefined, count: number): number[] {
  if (text === undefined || text.trim() === '') return Array.from({ length: count }, (_, i) => i);
  const chosen = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    const from = Number(match?.[1]);
    const to = match?.[2] === undefined ? from : Number(match[2]);
    if (match === null || from > to || to >= count) {
      throw new Error(`"${part}" is not a partition or range of 0-${count - 1} (TRADE_SYNC_PARTITIONS=${count})`);
    }
    for (let p = from; p <= to; p++) chosen.add(p);
  }
  return [...chosen].sort((a, b) => a - b);
}
