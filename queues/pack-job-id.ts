import { createHash } from 'node:crypto';

/**
 * The job id of a job that carries several trades: its kind's prefix and a hash of what it
 * carries, so that adding the same job again is a no-op while it is kept in Redis. The producer's
 * signed packs (`p`) hash their trade ids; the ingest's jobs (`i`) hash their envelopes'
 * signatures, so a trade the engine signs again (a retry with a new nonce) travels again, to be
 * verified on its own, and ClickHouse collapses it if both copies land.
 */
export function packJobId(kind: 'p' | 'i', parts: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return `${kind}.${hash.digest('hex').slice(0, 40)}`;
}
