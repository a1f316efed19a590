import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Config } from '../../src/config/index.js';
import { runIngest, type RunningIngest } from '../../src/ingest/run-ingest.js';
import { createLogger } from '../../src/logger.js';
import { onCleanup } from './on-cleanup.js';
import { testQueues, type TestQueues } from './queue-helpers.js';
import { makeTestCerts, type TestCerts } from './test-certs.js';
import { testConfig, testEnv } from './test-env.js';

/** A temp dir removed when the test ends. */
export function tempDir(t: TestContext, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `trade-sync-${name}-`));
  onCleanup(t, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Env for an HTTPS ingest on a free port with the given test certificates. */
export function ingestEnv(certs: TestCerts, overrides: Record<string, string> = {}): Record<string, string> {
  return testEnv({
    TRADE_SYNC_INGEST_TLS_CERT_FILE: certs.server.cert,
    TRADE_SYNC_INGEST_TLS_KEY_FILE: certs.server.key,
    TRADE_SYNC_INGEST_PORT: '0',
    ...overrides,
  });
}

export interface IngestFixture {
  readonly config: Config;
  readonly env: Record<string, string>;
  readonly ingest: RunningIngest;
  readonly queues: TestQueues;
}

/** An ingest server (in this process) on its own queue; stopped, obliterated and cleaned up after the test. */
export async function startTestIngest(t: TestContext, env: Record<string, string>): Promise<IngestFixture> {
  const config = testConfig(env);
  const queues = testQueues(config);
  onCleanup(t, () => rmSync(config.spill.dir, { recursive: true, force: true }));
  onCleanup(t, () => queues.cleanup());
  const ingest = await runIngest(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  onCleanup(t, () => ingest.stop());
  return { config, env, ingest, queues };
}

export { makeTestCerts };
