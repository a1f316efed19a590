import { rmSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { loadConfig, type Config } from '../../src/config/index.js';
import { migratedDatabase } from './clickhouse-helpers.js';
import { onCleanup } from './on-cleanup.js';
import { testQueues, type TestQueues } from './queue-helpers.js';
import { testEnv } from './test-env.js';

/** What a pipeline test runs on: its env and config, a migrated database, its queues; all removed in the test's cleanup. */
export interface PipelineResources {
  readonly env: Record<string, string>;
  readonly config: Config;
  readonly db: Awaited<ReturnType<typeof migratedDatabase>>;
  readonly queues: TestQueues;
}

export async function pipelineResources(t: TestContext, overrides: Record<string, string> = {}): Promise<PipelineResources> {
  const env = testEnv(overrides);
  const config = loadConfig(env);
  const db = await migratedDatabase(config);
  const queues = testQueues(config);
  onCleanup(t, async () => {
    await queues.cleanup();
    await db.drop();
    rmSync(config.spill.dir, { recursive: true, force: true });
  });
  return { env, config, db, queues };
}
