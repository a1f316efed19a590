import type { TlsMaterial } from './tls-material.js';

/** `trade-sync ingest`: the HTTPS entry point for engines in any language. */
export interface IngestConfig {
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  /** Server certificate and key; `ca` (client CA) turns on mutual TLS. Required unless `plaintext`. */
  readonly tls: TlsMaterial | undefined;
  /** Certificate name (subject CN or a SAN) → the key ids a client with that certificate may sign with. */
  readonly clientKids: Readonly<Record<string, readonly string[]>> | undefined;
  /** Serve plain HTTP (only behind a TLS-terminating proxy on the same host). */
  readonly plaintext: boolean;
  readonly maxBodyBytes: number;
  readonly maxTrades: number;
  /** A trade's `sent_at_ns` must be within ± this of the server's clock. */
  readonly replayWindowMs: number;
  /** How long a nonce is remembered: 2 × the window, rounded up, plus one second. */
  readonly nonceTtlSeconds: number;
  /** Token bucket per key id: trades per second, and the bucket's size. */
  readonly ratePerKid: number;
  readonly burstPerKid: number;
}
