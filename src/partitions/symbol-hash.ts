/**
 * A stable 32-bit hash of a symbol: FNV-1a over its UTF-8 bytes, then MurmurHash3's final mix.
 * The same on every host and in every release, so a symbol always routes to the same partition
 * and the same ClickHouse shard. The mix matters: FNV-1a's low bits depend only on the inputs'
 * low bits, so `% 4` of plain FNV-1a put none of the demo's 10 symbols on partition 0.
 */
export function symbolHash(symbol: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(symbol, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** The partition (of `count`) a symbol's trades go to. */
export function partitionOf(symbol: string, count: number): number {
  return count <= 1 ? 0 : symbolHash(symbol) % count;
}

/**
 * The ClickHouse shard index (0-based, of `shards`) a symbol's rows are written to. It depends on
 * the symbol alone, not on TRADE_SYNC_PARTITIONS, so a trade lands on the same shard before and
 * after a repartition, and FINAL on each shard still collapses its re-deliveries. With a partition
 * count that is a multiple of the shard count, all of a partition's trades go to one shard.
 */
export function shardOf(symbol: string, shards: number): number {
  return partitionOf(symbol, shards);
}
