import { partitionOf } from './symbol-hash.js';

/**
 * Items per bucket of `count` (index i is partition i, or shard i: `partitionOf` and `shardOf`
 * are the same function of the symbol), each group in the input's order; empty buckets stay empty.
 */
export function groupBySymbol<T>(items: readonly T[], count: number, symbolOf: (item: T) => string): T[][] {
  if (count <= 1) return [[...items]];
  const groups: T[][] = Array.from({ length: count }, () => []);
  for (const item of items) (groups[partitionOf(symbolOf(item), count)] as T[]).push(item);
  return groups;
}
