import { createRequire } from 'node:module';

// ioredis's own slot function (a dependency of ioredis, untyped): CRC16 of the key's hash tag, or of the key, mod 16384.
const calculateSlot = createRequire(import.meta.url)('cluster-key-slot') as (key: string) => number;

/** The Redis Cluster slot of a key, as ioredis and the server compute it. */
export function keySlot(key: string): number {
  return calculateSlot(key);
}
