import { rmSync } from 'node:fs';
import { runWorker, type RunningWorker } from '../../src/wiring/run-worker.js';
import type { Config } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { migratedDatabase } from './clickhouse-helpers.js';
import { testQueues, type TestQueues } from './queue-helpers.js';
import { testConfig, testEnv } from './test-env.js';

/** A whole pipeline in this process on its own queues, database and spill dir. */
export interface InProcessPipeline {
  readonly config: Config;
  readonly db: Awaited<ReturnType<typeof migratedDatabase>>;
  readonly queues: TestQueues;
  readonly worker: RunningWorker;
  readonly producer: TradeProducer;
  /** Stops the producer and worker, then removes the queues, the database and the spill dir. */
  stop(): Promise<void>;
}

export async function startInProcessPipeline(overrides: Record<string, string> = {}): Promise<InProcessPipeline> {
  const config = testConfig(testEnv(overrides));
  const db = await migratedDatabase(config);
  const queues = testQueues(config);
  const worker = await runWorker(config, createLogger('silent'));
  const producer = new TradeProducer(config);
  return {
    config,
    db,
    queues,
    worker,
    producer,
    async stop() {
      await producer.close();
      await worker.stop();
      await queues.cleanup();
      await db.drop();
      rmSync(config.spill.dir, { recursive: true, force: true });
    },
  };
}
