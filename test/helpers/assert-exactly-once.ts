import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { queryText } from './clickhouse-helpers.js';
import type { TestQueues } from './queue-helpers.js';
import type { CliProcess } from './spawn-cli.js';
import { spillRowCount } from './spill-row-count.js';
import { waitFor } from './wait-for.js';
import { waitForDrained } from './wait-for-drained.js';

/**
 * Every one of `published` trades in ClickHouse exactly once (count() FINAL and distinct ids),
 * the trades queue drained, the spill empty and no dead letter in any state.
 */
export async function assertExactlyOnce(options: {
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly queues: TestQueues;
  readonly env: Record<string, string>;
  readonly published: number;
  /** count() FINAL, or -1 while the server does not answer. */
  readonly count: () => Promise<number>;
  /** Its output is shown when the trades do not arrive. */
  readonly worker: CliProcess;
}): Promise<void> {
  const { client, database, queues, published } = options;
  await waitFor(options.count, (n) => n >= published, 60_000, `${published} trades in ClickHouse (worker output: ${options.worker.output().slice(-2_000)})`);
  await waitForDrained(queues.trades);
  const [[final, distinct] = []] = await queryText(
    client,
    `SELECT (SELECT count() FROM ${database}.trades FINAL), (SELECT count(DISTINCT trade_id) FROM ${database}.trades)`,
  );
  assert.equal(Number(final), published, 'count() FINAL equals the trades published');
  assert.equal(Number(distinct), published, 'count(DISTINCT trade_id) equals the trades published');
  assert.equal(await waitFor(() => spillRowCount(options.env), (n) => n === 0, 20_000, 'spill empty'), 0);
  assert.deepEqual(await queues.dlq.getJobCounts('wait', 'active', 'delayed', 'completed', 'failed'), { wait: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
}
