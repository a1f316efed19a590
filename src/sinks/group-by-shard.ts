import { shardOf } from '../partitions/symbol-hash.js';

/** Items per shard (index i is shard i of `shards`) by `shardOf(symbol)`, each group in the input's order. */
export function groupByShard<T>(items: readonly T[], shards: number, symbolOf: (item: T) => string): T[][] {
  if (shards <= 1) return [[...items]];
  const groups: T[][] = Array.from({ length: shards }, () => []);
  for (const item of items) (groups[shardOf(symbolOf(item), shards)] as T[]).push(item);
  return groups;
}
