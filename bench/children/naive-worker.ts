/**
 * The naive peer most people write: a BullMQ worker that verifies each job's envelope and does
 * one INSERT (one row) per job. Same ClickHouse client, TSV body and HMAC check as the sink, so
 * the only difference is batching. `--concurrency N` (default 16). Logs "worker running" when
 * ready; prints {"processed": N, "inserted": M} on stdout when SIGTERM has drained it.
 */
import { Readable } from 'node:stream';
import { Worker, type Job } from 'bullmq';
import { createRedisConnection, type TradeJobData } from '../../queues/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { buildInsertBody, INSERT_COLUMNS } from '../../src/sinks/clickhouse/build-insert-body.js';
import { createClickHouseClient } from '../../src/sinks/clickhouse/create-clickhouse-client.js';
import { openEnvelope } from '../../src/trade/open-envelope.js';

const flag = process.argv.indexOf('--concurrency');
const concurrency = flag >= 0 ? Number(process.argv[flag + 1]) : 16;
const config = loadConfig();
const log = createLogger(config.logLevel);
const connection = createRedisConnection(config, 'worker');
const client = createClickHouseClient(config, 'writer');
const table = `${config.clickhouse.database}.trades`;
let processed = 0;
let inserted = 0;

const worker = new Worker<TradeJobData>(
  config.queues.trades,
  async (job: Job<TradeJobData>) => {
    processed += 1;
    for (const message of job.data.envelopes) {
      const { envelope, trade } = openEnvelope(config.keyring, message);
      await client.insert({
        table,
        columns: INSERT_COLUMNS as [string, ...string[]],
        format: 'TabSeparated',
        values: Readable.from([buildInsertBody([{ trade, kid: envelope.kid, source: { jobId: job.id ?? '', index: 0, envelope } }])], { objectMode: false }),
      });
      inserted += 1;
    }
  },
  { connection, prefix: config.redis.prefix, concurrency, removeOnComplete: { count: 10_000 }, removeOnFail: { count: 100_000 } },
);
worker.on('error', (err) => log.error({ err }, 'worker error'));
worker.on('failed', (job, err) => log.warn({ jobId: job?.id, err: err.message.split('\n')[0] }, 'job failed'));
await worker.waitUntilReady();
log.info({ component: 'naive-worker', queue: config.queues.trades, concurrency }, 'worker running');

process.once('SIGTERM', () => {
  void worker
    .close()
    .then(() => Promise.all([connection.quit(), client.close()]))
    .then(
      () => {
        process.stdout.write(`${JSON.stringify({ processed, inserted })}\n`);
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
});
