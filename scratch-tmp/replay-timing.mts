import { DuckDBInstance } from '/work/main/node_modules/@duckdb/node-api/lib/index.js';
import { rmSync } from 'node:fs';
import { DuckDbSpillFile } from '/work/main/src/spill/duckdb-spill-file.js';
import { SpillDirectory } from '/work/main/src/spill/spill-directory.js';
import { createLogger } from '/work/main/src/logger.js';
import { SyntheticEngine } from '/work/main/src/demo/synthetic-engine.js';
import { SPILL_COLUMNS } from '/work/main/src/spill/spill-schema.js';
const dir = '/tmp/scratch/spill'; rmSync(dir, { recursive: true, force: true });
const d = new SpillDirectory(dir); const path = d.ownPath();
const f = new DuckDbSpillFile(path, createLogger('silent'));
const e = new SyntheticEngine(1);
const rows = e.take(100000).map((trade, index) => ({ trade, kid: 'k', bytes: 0, source: { jobId: 'b', index, envelope: { kid: 'k', nonce: 'abcdefghijklmnopqr', sent_at_ns: '1763776000000000000', sig: 'a'.repeat(64), payload: JSON.stringify(trade) } } }));
for (let i = 0; i < rows.length; i += 20000) await f.append(rows.slice(i, i + 20000));
await f.close();
const line = "concat_ws(chr(9), schema_version, trade_id, order_id, fill_seq, symbol, side, price, qty, order_qty, cum_qty, order_status, ts_ns, venue, account, kid, coalesce(fee, '\\N'), coalesce(liquidity, '\\N'))";
const inst = await DuckDBInstance.create(path); const c = await inst.connect();
const cols = SPILL_COLUMNS.filter((x) => x !== 'spilled_at_ms').join(', ');
const order = 'ORDER BY symbol, ts_ns, trade_id LIMIT 20000';
for (let b = 0; b < 5; b++) {
  let t = performance.now();
  const r = await c.runAndReadAll(process.env.V === 'line' ? `SELECT ${line}, envelope FROM spill_rows ${order}` : `SELECT ${cols} FROM spill_rows ${order}`); const q = performance.now() - t; t = performance.now();
  const got = r.getRows(); const g = performance.now() - t; t = performance.now();
  const parsed = got.map((x) => JSON.parse(String(x[process.env.V === 'line' ? 1 : 15]))); const p = performance.now() - t; t = performance.now();
  await c.run(`DELETE FROM spill_rows WHERE trade_id IN (SELECT trade_id FROM spill_rows ${order})`); const del = performance.now() - t;
  console.log(`batch ${b}: query ${q.toFixed(0)} ms, getRows ${g.toFixed(0)} ms, JSON.parse envelopes ${p.toFixed(0)} ms, delete ${del.toFixed(0)} ms (${parsed.length})`);
}
