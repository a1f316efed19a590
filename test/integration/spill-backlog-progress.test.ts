import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../../src/logger.js';
import { DuckDbSpillFile } from '../../src/spill/duckdb-spill-file.js';
import { SpillDirectory } from '../../src/spill/spill-directory.js';
import { SpillReplayer } from '../../src/spill/spill-replayer.js';
import { makeTradeRow } from '../helpers/make-trade-row.js';
import { makeTrade } from '../helpers/trade-factory.js';

test('the backlog a worker reports counts down batch by batch during a replay pass, also for a dead process\'s file it adopted', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trade-sync-backlog-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = createLogger('silent');
  const directory = new SpillDirectory(dir);
  const orphan = new DuckDbSpillFile(directory.unownedPath('dead'), log);
  await orphan.append(Array.from({ length: 1_000 }, () => makeTradeRow(makeTrade())));
  await orphan.close();

  const seen: number[] = [];
  let replayer: SpillReplayer | undefined;
  replayer = new SpillReplayer({
    directory,
    own: undefined,
    insert: { insertRows: async () => void seen.push(replayer?.backlog ?? -1) },
    healthy: async () => true,
    batchRows: 250,
    intervalMs: 60_000,
    log,
  });
  assert.equal(await replayer.replayNow(), 1_000);
  // While each batch of 250 is inserted the heartbeat would show what is left, not the figure from before the pass.
  assert.deepEqual(seen, [1_000, 750, 500, 250]);
  assert.equal(replayer.backlog, 0);
});
