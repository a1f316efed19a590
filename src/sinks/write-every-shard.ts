/**
 * Writes each shard's part (index = shard; undefined = nothing for that shard) in parallel and,
 * once every request has ended, throws the first shard's error in shard order. A caller's retry
 * then re-sends the same parts to the same shards, where replicated block deduplication drops
 * what a shard already took.
 */
export async function writeEveryShard<T>(parts: readonly (T | undefined)[], write: (part: T, shard: number) => Promise<void>): Promise<void> {
  const settled = await Promise.allSettled(parts.map(async (part, shard) => (part === undefined ? undefined : write(part, shard))));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}
