import { createLogger } from '../../src/logger.js';
import { ClickHouseTradeSink } from '../../src/sinks/clickhouse/clickhouse-trade-sink.js';
import { createClickHouseClient } from '../../src/sinks/clickhouse/create-clickhouse-client.js';
import type { TradeRow } from '../../src/sinks/trade-row.js';
import { DuckDbSpillFile } from '../../src/spill/duckdb-spill-file.js';
import { SpillDirectory } from '../../src/spill/spill-directory.js';
import { benchEnv, BENCH_KEYS } from '../lib/bench-env.js';
import { queryText } from '../lib/clickhouse-queries.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { perSecond } from '../lib/timing.js';
import { generateTrades } from '../lib/trades.js';
import { replayTarget } from '../../src/spill/replay-target.js';

/**
 * The DuckDB spill: rows written as the sink spills them (committed transactions of one sink
 * batch each), then replayed into ClickHouse the way a worker replays them (oldest first in
 * (symbol, ts_ns) order, deleted after ClickHouse took them). In this process, on real files.
 */
export const spill: Scenario = {
  name: 'spill',
  title: 'DuckDB spill write and replay',
  async run(options, report) {
    const { config } = benchEnv('spill', options.env);
    await withResources(config, { database: true }, report, async (r) => {
      const kid = BENCH_KEYS.split(':')[0] ?? 'bench-k1';
      const rows: TradeRow[] = generateTrades(options.packedTrades / 2).map((trade, index) => ({ trade, kid, source: { jobId: 'bench', index, envelope: { bench: true } } }));
      const log = createLogger('silent');
      const directory = new SpillDirectory(config.spill.dir);
      const file = new DuckDbSpillFile(directory.ownPath(), log);
      const batch = config.worker.batchMaxRows;
      const writeStarted = performance.now();
      for (let i = 0; i < rows.length; i += batch) await file.append(rows.slice(i, i + batch));
      const writeMs = performance.now() - writeStarted;
      report.expect((await file.count()) === rows.length, `spill holds ${rows.length} rows`);
      const client = createClickHouseClient(r.config, 'writer');
      const sink = new ClickHouseTradeSink(client, r.database);
      const insert = replayTarget(r.config, sink, r.dlq, log);
      const replayStarted = performance.now();
      while ((await file.replayBatch(config.spill.replayBatchRows, insert)) > 0);
      const replayMs = performance.now() - replayStarted;
      await file.close();
      await client.close();
      const [[final = '0'] = []] = await queryText(r.clickhouse!, `SELECT count() FROM ${r.database}.trades FINAL`);
      report.expect(Number(final) === rows.length, `count() FINAL = ${final}, expected ${rows.length}`);
      report.figure('write', `spill ${rows.length.toLocaleString('en-US')} rows in ${batch.toLocaleString('en-US')}-row transactions`, perSecond(rows.length, writeMs), 'rows/s');
      report.figure('replay', `replay them into ClickHouse, ${config.spill.replayBatchRows.toLocaleString('en-US')} rows a batch`, perSecond(rows.length, replayMs), 'rows/s');
    });
  },
};
