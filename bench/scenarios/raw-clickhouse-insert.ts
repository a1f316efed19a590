import { Readable } from 'node:stream';
import { benchEnv, BENCH_KEYS } from '../lib/bench-env.js';
import { countFinal } from '../lib/clickhouse-queries.js';
import { progress } from '../lib/progress.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { perSecond } from '../lib/timing.js';
import { generateTrades } from '../lib/trades.js';
import { buildInsertBody, INSERT_COLUMNS } from '../../src/sinks/clickhouse/build-insert-body.js';
import { prepareBatch } from '../../src/sinks/prepare-batch.js';
import type { TradeRow } from '../../src/sinks/trade-row.js';

/**
 * The ClickHouse limit: the same rows the sink writes, pre-encoded as TabSeparated, sorted like
 * the sink sorts a batch, inserted in large batches one after another with the sink's client
 * settings. Encoding is not timed: this is the best any sink could do.
 */
export const rawClickhouseInsert: Scenario = {
  name: 'raw-clickhouse-insert',
  title: 'Raw ClickHouse TSV bulk insert',
  async run(options, report) {
    const { config } = benchEnv('raw', options.env);
    await withResources(config, { database: true }, async (r) => {
      const client = r.clickhouse;
      if (client === undefined) throw new Error('no database');
      const kid = BENCH_KEYS.split(':')[0] ?? 'bench-k1';
      const rows: TradeRow[] = generateTrades(options.packedTrades, 2).map((trade) => ({ trade, kid, bytes: 0, source: { jobId: '', index: 0, envelope: null } }));
      report.mark('generate');
      const bodies: string[] = [];
      const encodeStarted = performance.now();
      for (let i = 0; i < rows.length; i += options.rawBatchRows) bodies.push(buildInsertBody(prepareBatch(rows.slice(i, i + options.rawBatchRows)).unique));
      const encodeMs = performance.now() - encodeStarted;
      report.mark('encode');
      const bytes = bodies.reduce((a, b) => a + Buffer.byteLength(b), 0);

      const bar = progress(`${this.name}: inserting`, rows.length, 'rows');
      const table = `${r.database}.trades`;
      const started = performance.now();
      let done = 0;
      try {
        for (const body of bodies) {
          await client.insert({ table, columns: INSERT_COLUMNS as [string, ...string[]], format: 'TabSeparated', values: Readable.from([body], { objectMode: false }) });
          done += Math.min(options.rawBatchRows, rows.length - done);
          bar.update(done);
        }
      } finally {
        bar.stop();
      }
      const ms = performance.now() - started;
      report.mark('insert');
      report.figure('rate', `insert ${rows.length.toLocaleString('en-US')} rows, ${options.rawBatchRows.toLocaleString('en-US')}/INSERT`, perSecond(rows.length, ms), 'rows/s');
      report.figure('mbps', 'TSV body throughput', perSecond(bytes, ms) / 2 ** 20, 'MiB/s');
      report.figure('encode', 'sort + TSV encoding in JS (not in the rate above)', perSecond(rows.length, encodeMs), 'rows/s');
      const final = await countFinal(client, r.database);
      report.expect(final === rows.length, `count() FINAL = ${final}, expected ${rows.length}`);
    });
  },
};
