import assert from 'node:assert/strict';
import { runCli } from './spawn-cli.js';

/** Rows in every spill file of the env's TRADE_SYNC_SPILL_DIR, read with `trade-sync spill query`. */
export async function spillRowCount(env: Record<string, string>): Promise<number> {
  const result = await runCli(['spill', 'query', 'SELECT count(*) AS n FROM trades', '--json'], env);
  assert.equal(result.code, 0, `spill query failed: ${result.output}`);
  return Number((JSON.parse(result.stdout) as { n: string | number }).n);
}
