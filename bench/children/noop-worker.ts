/**
 * The BullMQ ceiling: a worker with the sink's queue options and concurrency whose processor does
 * nothing. Run as its own process (like `trade-sync worker`); logs "worker running" when ready and
 * prints {"processed": N} on stdout when SIGTERM has drained it.
 */
import { Worker } from 'bullmq';
import { createRedisConnection, type TradeJobData } from '../../queues/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';

const config = loadConfig();
const log = createLogger(config.logLevel);
const connection = createRedisConnection(config, 'worker');
let processed = 0;

// Same options as TradesConsumer (src/consumer/trades-consumer.ts), so only the processor differs.
const worker = new Worker<TradeJobData>(
  config.queues.trades,
  async () => {
    processed += 1;
  },
  {
    connection,
    prefix: config.redis.prefix,
    concurrency: config.worker.concurrency,
    lockDuration: config.worker.lockDurationMs,
    stalledInterval: config.worker.stalledIntervalMs,
    maxStalledCount: 5,
    removeOnComplete: { count: 10_000 },
    removeOnFail: { count: 100_000 },
  },
);
worker.on('error', (err) => log.error({ err }, 'worker error'));
worker.on('failed', (job, err) => log.warn({ jobId: job?.id, err: err.message }, 'job failed'));
await worker.waitUntilReady();
log.info({ component: 'noop-worker', queue: config.queues.trades, concurrency: config.worker.concurrency }, 'worker running');

process.once('SIGTERM', () => {
  void worker
    .close()
    .then(() => connection.quit())
    .then(
      () => {
        process.stdout.write(`${JSON.stringify({ processed })}\n`);
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
});
