import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { benchEnv, BENCH_KEYS } from '../lib/bench-env.js';
import { queryText } from '../lib/clickhouse-queries.js';
import { progress } from '../lib/progress.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { perSecond } from '../lib/timing.js';
import { generateTrades } from '../lib/trades.js';
import { buildInsertBody, INSERT_COLUMNS } from '../../src/sinks/clickhouse/build-insert-body.js';
import { prepareBatch } from '../../src/sinks/prepare-batch.js';
import type { TradeRow } from '../../src/sinks/trade-row.js';

const ROUNDS = 3;

/** One-row INSERTs timed for the round-trip floor that every batch pays, whatever its size. */
const SMALL_INSERTS = 30;

/**
 * The ClickHouse limit: the same rows the sink writes, pre-encoded as TabSeparated, sorted like
 * the sink sorts a batch, inserted in large batches one after another with the sink's client
 * settings, in three rounds into fresh tables; the best round counts. Encoding is not timed:
 * this is the best any sink could do. Then one-row INSERTs one after another into a fresh table:
 * the round trip every batch pays however small it is (a new part on disk per INSERT).
 */
export const rawClickhouseInsert: Scenario = {
  name: 'raw-clickhouse-insert',
  title: 'Raw ClickHouse TSV bulk insert',
  async run(options, report) {
    const { config } = benchEnv('raw', options.env);
    await withResources(config, { database: true }, report, async (r) => {
      const client = r.clickhouse;
      if (client === undefined) throw new Error('no database');
      const kid = BENCH_KEYS.split(':')[0] ?? 'bench-k1';
      const rows: TradeRow[] = generateTrades(options.packedTrades).map((trade) => ({ trade, kid, source: { jobId: '', index: 0, envelope: null } }));
      report.mark('generate');
      const bodies: string[] = [];
      const encodeStarted = performance.now();
      for (let i = 0; i < rows.length; i += options.rawBatchRows) bodies.push(buildInsertBody(prepareBatch(rows.slice(i, i + options.rawBatchRows)).unique));
      const encodeMs = performance.now() - encodeStarted;
      report.mark('encode');
      const bytes = bodies.reduce((a, b) => a + Buffer.byteLength(b), 0);

      // The same rows into ROUNDS fresh tables; the best round is the limit (the others show the spread).
      const rates: number[] = [];
      const bar = progress(`${this.name}: inserting`, rows.length * ROUNDS, 'rows');
      let done = 0;
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const table = round === 0 ? `${r.database}.trades` : `${r.database}.trades_r${round}`;
          if (round > 0) await client.command({ query: `CREATE TABLE ${table} AS ${r.database}.trades` });
          const started = performance.now();
          for (const [i, body] of bodies.entries()) {
            await insertTsv(client, table, body);
            done += Math.min(options.rawBatchRows, rows.length - i * options.rawBatchRows);
            bar.update(done);
          }
          rates.push(perSecond(rows.length, performance.now() - started));
          const [[final = '0'] = []] = await queryText(client, `SELECT count() FROM ${table} FINAL`);
          report.expect(Number(final) === rows.length, `${table}: count() FINAL = ${final}, expected ${rows.length}`);
        }
      } finally {
        bar.stop();
      }
      report.mark('insert');
      const floor = await smallInsertMs(client, `${r.database}.trades_one_row`, `${r.database}.trades`, (bodies[0] ?? '').split('\n').slice(0, SMALL_INSERTS));
      const [[landed = '0'] = []] = await queryText(client, `SELECT count() FROM ${r.database}.trades_one_row FINAL`);
      report.expect(Number(landed) === SMALL_INSERTS, `trades_one_row: count() = ${landed}, expected ${SMALL_INSERTS}`);
      report.mark('one-row inserts');
      const best = Math.max(...rates);
      const mib = perSecond(bytes, (rows.length / best) * 1000) / 2 ** 20;
      report.figure('rate', `insert ${rows.length.toLocaleString('en-US')} rows, ${Math.min(options.rawBatchRows, rows.length).toLocaleString('en-US')}/INSERT, best of ${ROUNDS}`, best, 'rows/s');
      report.figure('mbps', 'TSV body throughput (best round)', mib, 'MiB/s');
      report.figure('encode', 'sort + TSV encoding in JS (not in the rate above)', perSecond(rows.length, encodeMs), 'rows/s');
      report.figure('floor', `one-row INSERT round trip, median of ${SMALL_INSERTS}`, floor.median, 'ms');
      report.figure('floor90', `one-row INSERT round trip, 90th percentile`, floor.p90, 'ms');
      report.note(`rounds: ${rates.map((x) => Math.round(x).toLocaleString('en-US')).join(', ')} rows/s`);
    });
  },
};

/** One INSERT of a TabSeparated body in the sink's column order, with the sink's client settings. */
function insertTsv(client: ClickHouseClient, table: string, body: string): Promise<unknown> {
  return client.insert({ table, columns: INSERT_COLUMNS as [string, ...string[]], format: 'TabSeparated', values: Readable.from([body], { objectMode: false }) });
}

/** Median and 90th percentile of one INSERT per line (each a different trade), one after another, into a fresh copy of `like`. */
async function smallInsertMs(client: ClickHouseClient, table: string, like: string, lines: readonly string[]): Promise<{ median: number; p90: number }> {
  await client.command({ query: `CREATE TABLE ${table} AS ${like}` });
  const ms: number[] = [];
  for (const line of lines) {
    const started = performance.now();
    await insertTsv(client, table, `${line}\n`);
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)] ?? NaN, p90: ms[Math.floor(ms.length * 0.9)] ?? NaN };
}
