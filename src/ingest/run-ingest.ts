import { createRedisConnection, createTradeQueues } from '../../queues/index.js';
import { LayoutGuard, LayoutRecord } from '../partitions/layout-record.js';
import { groupBySymbol } from '../partitions/group-by-symbol.js';
import { requireKeys, type Config } from '../config/index.js';
import { ConfigError } from '../errors/index.js';
import { Releasers } from '../lifecycle/releasers.js';
import type { Logger } from '../logger.js';
import { QueueDepthGauge } from '../producer/queue-depth-gauge.js';
import { BackpressureGate } from './backpressure-gate.js';
import { IngestHandler, type VerifiedTrade } from './ingest-handler.js';
import { startIngestServer, type IngestServer } from './ingest-server.js';
import { KidRateLimiter } from './kid-rate-limiter.js';
import { NonceStore } from './nonce-store.js';
import { planIngestJobs } from './plan-ingest-jobs.js';

export interface RunningIngest {
  readonly url: string;
  readonly port: number;
  readonly mutualTls: boolean;
  /** Stops accepting, finishes in-flight requests (within the shutdown deadline), closes Redis. Idempotent. */
  stop(): Promise<void>;
}

/** The server's certificate, key and client CA, or a one-line ConfigError saying what to set. */
function serverTls(config: Config): Parameters<typeof startIngestServer>[0]['tls'] {
  const { tls, plaintext, clientKids } = config.ingest;
  if (clientKids !== undefined && tls?.ca === undefined) {
    throw new ConfigError('TRADE_SYNC_INGEST_CLIENT_KIDS needs mutual TLS: set TRADE_SYNC_INGEST_TLS_CLIENT_CA_FILE');
  }
  if (plaintext) {
    if (tls !== undefined) throw new ConfigError('TRADE_SYNC_INGEST_PLAINTEXT=true cannot be combined with TRADE_SYNC_INGEST_TLS_* files');
    return undefined;
  }
  if (tls?.cert === undefined || tls.key === undefined) {
    throw new ConfigError('ingest serves HTTPS: set TRADE_SYNC_INGEST_TLS_CERT_FILE and TRADE_SYNC_INGEST_TLS_KEY_FILE (or TRADE_SYNC_INGEST_PLAINTEXT=true behind a TLS-terminating proxy)');
  }
  return { cert: tls.cert, key: tls.key, clientCa: tls.ca };
}

/**
 * `trade-sync ingest`: the HTTPS entry point. One Redis connection (fail fast, like a producer)
 * carries the nonces, the rate-limit buckets and the bulk adds to the trades queue (a request's
 * accepted trades in jobs of up to TRADE_SYNC_PACK_SIZE of the engine's envelopes, each job on its
 * symbol's partition). If one partition's add fails the request is answered 503 though other
 * partitions took theirs; the engine's retry then lands those twice in Redis, and ClickHouse
 * (FINAL) keeps each trade once.
 */
export async function runIngest(config: Config, log: Logger, overrides: { host?: string; port?: number } = {}): Promise<RunningIngest> {
  const keyring = requireKeys(config);
  const tls = serverTls(config);
  const ingestLog = log.child({ component: 'ingest', queue: config.queues.trades });
  const releasers = new Releasers();
  try {
    const connection = releasers.add('redis', createRedisConnection(config, 'producer'), (c) => c.quit());
    connection.on('error', (err: Error) => ingestLog.warn({ err: err.message }, 'redis connection error'));
    const layout = new LayoutGuard(new LayoutRecord(connection, config), config);
    await layout.check();
    const queues = createTradeQueues(config, connection);
    for (const queue of queues) {
      releasers.add(`queue ${queue.name}`, queue, (q) => q.close());
      queue.on('error', () => {}); // failures surface as 503 answers
    }
    const count = config.queues.layout.count;
    const { ingest } = config;
    const handler = new IngestHandler({
      keyring,
      config: ingest,
      nonces: new NonceStore(connection, config.redis.prefix, config.queues.layout.stateName, ingest.nonceTtlSeconds),
      limiter: new KidRateLimiter(connection, config.redis.prefix, config.queues.layout.stateName, ingest.ratePerKid, ingest.burstPerKid),
      gate: new BackpressureGate(new QueueDepthGauge(queues), config.queues.capacity),
      enqueue: async (trades: readonly VerifiedTrade[]) => {
        await layout.check(); // after a repartition: 503 and a log line, never trades on the old partitions
        // Each symbol's partition; one bulk add per partition, in parallel (one round trip with one partition).
        const groups = groupBySymbol(trades, count, (v) => v.trade.symbol);
        await Promise.all(
          groups.map(async (group, p) => {
            if (group.length === 0) return;
            await (queues[p] as (typeof queues)[number]).addBulk(planIngestJobs(group.map((v) => ({ envelope: v.envelope, tradeId: v.trade.trade_id })), config.queues.packSize));
          }),
        );
      },
      packSize: config.queues.packSize,
      log: ingestLog,
    });
    const server: IngestServer = await startIngestServer({
      host: overrides.host ?? ingest.host,
      port: overrides.port ?? ingest.port,
      tls,
      maxBodyBytes: ingest.maxBodyBytes,
      handle: (request) => handler.handle(request),
      log: ingestLog,
    });
    releasers.add('server', server, (s) => s.close(config.worker.shutdownTimeoutMs));
    ingestLog.info({ url: server.url, mutualTls: server.mutualTls, kids: keyring.kids }, 'ingest listening');
    return { url: server.url, port: server.port, mutualTls: server.mutualTls, stop: () => releasers.releaseAll(ingestLog) };
  } catch (err) {
    await releasers.releaseAll(ingestLog);
    throw err;
  }
}
