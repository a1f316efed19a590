import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFill, decodeRecord, encodeFill, encodeRecord } from '../../src/orders/fill-encoding.js';
import type { OrderFill } from '../../src/orders/order-fill.js';
import { buildInsertBody } from '../../src/sinks/clickhouse/build-insert-body.js';
import { TRADE_COLUMNS } from '../../src/sinks/clickhouse/trade-columns.js';
import type { TradeRow } from '../../src/sinks/trade-row.js';
import { SPILL_COLUMNS } from '../../src/spill/spill-schema.js';
import { passesTradeSchema } from '../../src/trade/trade-fast-check.js';
import { tradeSchemaV2, type Trade } from '../../src/trade/trade-schema.js';
import { makeTradeRow } from '../helpers/make-trade-row.js';
import { tempSpillFile } from '../helpers/temp-spill-file.js';
import { makeTrade } from '../helpers/trade-factory.js';

/*
 * The trade's field list is written out in several places (the zod schema, its hot-path twin, the
 * insert columns and body, the spill columns and appender, the orders' fill encoding). Adding a field must not miss one:
 * each place is checked against the schema here.
 */

const FIELDS = Object.keys(tradeSchemaV2.shape).sort();

/** A version-2 trade whose every field is set (fee and liquidity too). */
const full = (): Trade => ({ ...makeTrade({ fill_seq: 7, side: 'sell', order_status: 'partial', qty: '1.5', cum_qty: '3', order_qty: '10' }), schema_version: 2, fee: '0.0125', liquidity: 'maker' });

test('the insert columns are the schema fields and the signing key id, and the body puts each field under its column', () => {
  assert.deepEqual([...TRADE_COLUMNS].sort(), [...FIELDS, 'kid'].sort());
  const trade = full();
  const row: TradeRow = { ...makeTradeRow(trade), kid: 'k-fields' };
  const cells = buildInsertBody([row]).replace(/\n$/, '').split('\t');
  assert.equal(cells.length, TRADE_COLUMNS.length);
  const byColumn = Object.fromEntries(TRADE_COLUMNS.map((c, i) => [c, cells[i]]));
  for (const field of FIELDS) assert.equal(byColumn[field], String(trade[field as keyof Trade]), `column ${field}`);
  assert.equal(byColumn.kid, 'k-fields');
});

test('the spill columns are the schema fields plus kid, envelope and spilled_at_ms, and a spilled trade reads back field for field', async (t) => {
  assert.deepEqual([...SPILL_COLUMNS].sort(), [...FIELDS, 'kid', 'envelope', 'spilled_at_ms'].sort());
  const { file } = tempSpillFile(t);
  const trades = [full(), makeTrade()];
  await file.append(trades.map((trade) => makeTradeRow(trade)));
  const back: TradeRow[] = [];
  await file.replayBatch(10, { insertRows: async (rows) => void back.push(...rows) });
  assert.deepEqual(
    back.map((r) => r.trade).sort((a, b) => a.trade_id.localeCompare(b.trade_id)),
    trades.sort((a, b) => a.trade_id.localeCompare(b.trade_id)),
  );
});

test("the fast check knows exactly the schema's fields: it agrees with zod on each one missing and on an unknown one", () => {
  for (const field of FIELDS) {
    const trade: Record<string, unknown> = { ...full() };
    delete trade[field];
    assert.equal(passesTradeSchema(trade), tradeSchemaV2.safeParse(trade).success, `without ${field}`);
  }
  const extra = { ...full(), venue_code: 'X' };
  assert.equal(passesTradeSchema(extra), false);
  assert.equal(tradeSchemaV2.safeParse(extra).success, false);
  assert.equal(passesTradeSchema(full()), true);
});

test("the orders' one fill encoding carries the order fields of a trade, each back to its own field", () => {
  const trade = full();
  const fields: (keyof OrderFill)[] = ['trade_id', 'qty', 'price', 'ts_ns', 'order_status', 'cum_qty', 'order_qty', 'symbol', 'side', 'venue'];
  assert.ok(fields.every((f) => FIELDS.includes(f)), 'every fill field is a trade field');
  const fill = Object.fromEntries(fields.map((f) => [f, trade[f]])) as unknown as OrderFill;
  assert.deepEqual(decodeFill(trade.trade_id, encodeFill(fill)), fill);
  const record = decodeRecord(encodeRecord([{ member: `${trade.account}|${trade.order_id}`, fills: [fill] }]));
  assert.deepEqual([...record.entries()], [[`${trade.account}|${trade.order_id}`, [fill]]]);
});
