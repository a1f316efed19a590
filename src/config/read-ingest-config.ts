import { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import type { Env } from './env-schema.js';
import type { IngestConfig } from './ingest-config.js';
import { TlsMaterial } from './tls-material.js';

const clientKidsSchema = z.record(z.string().min(1).max(256), z.array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/)).min(1));

function parseClientKids(text: string | undefined): IngestConfig['clientKids'] {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('TRADE_SYNC_INGEST_CLIENT_KIDS must be JSON like {"engine-a.example.com": ["kid1", "kid2"]}');
  }
  const result = clientKidsSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`TRADE_SYNC_INGEST_CLIENT_KIDS: ${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'invalid'} (expected {"certificate name": ["kid", …]})`);
  }
  return result.data;
}

/** `{ tls }` for the Redis connection when any TRADE_SYNC_REDIS_TLS_* file is named, else `{}`. */
export function redisTlsField(env: Env): { tls?: TlsMaterial } {
  const tls = TlsMaterial.fromFiles(
    { ca: 'TRADE_SYNC_REDIS_TLS_CA_FILE', cert: 'TRADE_SYNC_REDIS_TLS_CERT_FILE', key: 'TRADE_SYNC_REDIS_TLS_KEY_FILE' },
    { ca: env.TRADE_SYNC_REDIS_TLS_CA_FILE, cert: env.TRADE_SYNC_REDIS_TLS_CERT_FILE, key: env.TRADE_SYNC_REDIS_TLS_KEY_FILE },
  );
  if (tls !== undefined && !env.TRADE_SYNC_REDIS_URL.every((url) => url.startsWith('rediss://'))) {
    throw new ConfigError('TRADE_SYNC_REDIS_TLS_* files are set but TRADE_SYNC_REDIS_URL is not a rediss:// URL');
  }
  return tls === undefined ? {} : { tls };
}

/** `{ tls }` for the ClickHouse clients when any TRADE_SYNC_CLICKHOUSE_TLS_* file is named, else `{}`. */
export function clickhouseTlsField(env: Env): { tls?: TlsMaterial } {
  const tls = TlsMaterial.fromFiles(
    { ca: 'TRADE_SYNC_CLICKHOUSE_TLS_CA_FILE', cert: 'TRADE_SYNC_CLICKHOUSE_TLS_CERT_FILE', key: 'TRADE_SYNC_CLICKHOUSE_TLS_KEY_FILE' },
    { ca: env.TRADE_SYNC_CLICKHOUSE_TLS_CA_FILE, cert: env.TRADE_SYNC_CLICKHOUSE_TLS_CERT_FILE, key: env.TRADE_SYNC_CLICKHOUSE_TLS_KEY_FILE },
  );
  if (tls === undefined) return {};
  if (tls.ca === undefined) throw new ConfigError('TRADE_SYNC_CLICKHOUSE_TLS_CA_FILE is required with a ClickHouse client certificate');
  return { tls };
}

/**
 * The ingest block. Files are read here; whether the server may start (certificate present, or
 * plaintext chosen) is checked by `trade-sync ingest` itself, so other commands never need it.
 */
export function readIngestConfig(env: Env): IngestConfig {
  return {
    host: env.TRADE_SYNC_INGEST_HOST,
    port: env.TRADE_SYNC_INGEST_PORT,
    tls: TlsMaterial.fromFiles(
      { ca: 'TRADE_SYNC_INGEST_TLS_CLIENT_CA_FILE', cert: 'TRADE_SYNC_INGEST_TLS_CERT_FILE', key: 'TRADE_SYNC_INGEST_TLS_KEY_FILE' },
      { ca: env.TRADE_SYNC_INGEST_TLS_CLIENT_CA_FILE, cert: env.TRADE_SYNC_INGEST_TLS_CERT_FILE, key: env.TRADE_SYNC_INGEST_TLS_KEY_FILE },
    ),
    clientKids: parseClientKids(env.TRADE_SYNC_INGEST_CLIENT_KIDS),
    plaintext: env.TRADE_SYNC_INGEST_PLAINTEXT,
    maxBodyBytes: env.TRADE_SYNC_INGEST_MAX_BODY_BYTES,
    maxTrades: env.TRADE_SYNC_INGEST_MAX_TRADES,
    replayWindowMs: env.TRADE_SYNC_INGEST_REPLAY_WINDOW_MS,
    nonceTtlSeconds: Math.ceil((2 * env.TRADE_SYNC_INGEST_REPLAY_WINDOW_MS) / 1000) + 1,
    ratePerKid: env.TRADE_SYNC_INGEST_RATE_PER_KID,
    burstPerKid: env.TRADE_SYNC_INGEST_BURST_PER_KID,
  };
}
