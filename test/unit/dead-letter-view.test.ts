import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeadLetter } from '../../queues/index.js';
import { deadLetterJobData, deadLetterJobName } from '../../dashboard/board/dead-letter-formatters.js';
import { deadLetterJobId, redriveJobId, redriveSource } from '../../src/dlq/dead-letter-id.js';
import { deadLetterTitle, describeDeadLetter } from '../../src/dlq/describe-dead-letter.js';
import { formatTsNs } from '../../src/trade/format-ts-ns.js';
import { makeTrade } from '../helpers/trade-factory.js';

const letter = (envelope: unknown, extra: Partial<DeadLetter> = {}): DeadLetter => ({
  envelope,
  tradeId: null,
  error: { code: 'TRADE_INVALID', message: 'qty: must be a decimal string' },
  attempts: 0,
  failedAt: '2026-12-05T07:00:00.000Z',
  source: { queue: 'trades', jobId: 'p.abc' },
  ...extra,
});

test('formatTsNs: UTC with all nine digits of nanoseconds; anything else is shown as it is', () => {
  assert.equal(formatTsNs('1763776000123456789'), '2025-11-22T01:46:40.123456789Z');
  assert.equal(formatTsNs('1000000001'), '1970-01-01T00:00:01.000000001Z');
  assert.equal(formatTsNs('not-a-time'), 'not-a-time');
});

test('dead-letter ids: short, the same for the same death, never growing along a redrive chain', () => {
  const id = deadLetterJobId('4f0c…trade-id', 'x.0');
  assert.match(id, /^dl\.[0-9a-f]{16}$/);
  assert.equal(deadLetterJobId('4f0c…trade-id', 'x.0'), id);
  assert.notEqual(deadLetterJobId('4f0c…trade-id', 'x.1'), id);
  let chain = id;
  for (let i = 0; i < 5; i += 1) chain = deadLetterJobId(redriveJobId(chain, 1), 'x.0');
  assert.equal(chain.length, id.length);
  assert.deepEqual(redriveSource(redriveJobId(id, 3)), { deadLetterId: id, attempt: 3 });
  assert.equal(redriveSource('4f0c-trade'), undefined);
  assert.equal(redriveSource('i.abc'), undefined);
});

test('a pack letter is named by its code, its count and its first dead trade; only the dead items are shown', () => {
  const trades = [makeTrade({ symbol: 'AAPL' }), makeTrade({ symbol: 'MSFT', side: 'sell' }), makeTrade({ symbol: 'TSLA' })];
  const pack = { kid: 'k', nonce: 'n', sent_at_ns: '1', sig: 's', payload: JSON.stringify(trades) };
  const items = [{ item: 1, tradeId: trades[1]!.trade_id, message: 'm' }, { item: 2, tradeId: trades[2]!.trade_id, message: 'm' }];
  const l = letter(pack, { items });
  assert.equal(deadLetterTitle(l), `TRADE_INVALID · 2 trades · MSFT sell 10.5 @ 227.1234 · ${trades[1]!.order_id} …`);
  const view = describeDeadLetter(l);
  assert.deepEqual(view.trades.map((t) => t.symbol), ['MSFT', 'TSLA']);
  const data = deadLetterJobData(l) as { trades: string[]; firstTrade: { symbol: string }; tradeCount: number };
  assert.equal(data.tradeCount, 2);
  assert.equal(data.trades[1], `TSLA buy 10.5 @ 227.1234 · ${trades[2]!.order_id}`);
  assert.equal(data.firstTrade.symbol, 'MSFT');
  // One dead trade of a pack: named as that trade alone.
  assert.match(deadLetterTitle(letter(pack, { items: [items[0]!] })), /^TRADE_INVALID · MSFT sell /);
});

test('an unreadable message is named as such; an envelope-less or garbage letter never throws', () => {
  assert.equal(deadLetterTitle(letter('garbage', { error: { code: 'ENVELOPE_INVALID', message: 'not an envelope' } })), 'ENVELOPE_INVALID · unreadable message');
  assert.equal(deadLetterTitle(letter({ payload: '{not json' }, { tradeId: 'abc' })), 'TRADE_INVALID · unreadable message · trade abc');
  assert.equal(deadLetterJobName({ data: { not: 'a letter' }, returnvalue: null }), 'dead-letter (unreadable)');
  assert.deepEqual(deadLetterJobData(42), 42);
});

test('a redriven letter is named by its outcome first; pending until the redrive is worked', () => {
  const trade = makeTrade({ symbol: 'AAPL', qty: '100', order_qty: '100', cum_qty: '100', price: '227.125', order_id: 'ORD-42' });
  const l = letter({ payload: JSON.stringify(trade) }, { error: { code: 'SIGNATURE_INVALID', message: 'bad' } });
  const rv = { redriveId: 'rd.dl.0123456789abcdef.2' };
  assert.equal(deadLetterJobName({ data: l, returnvalue: null }), 'SIGNATURE_INVALID · AAPL buy 100 @ 227.125 · ORD-42');
  assert.match(deadLetterJobName({ data: l, returnvalue: rv }), /^REDRIVEN, outcome pending · /);
  // An outcome of an earlier redrive does not speak for this one.
  assert.match(deadLetterJobName({ data: { ...l, redrive: { attempt: 1, outcome: 'landed', at: 'x' } }, returnvalue: rv }), /^REDRIVEN, outcome pending/);
  assert.match(deadLetterJobName({ data: { ...l, redrive: { attempt: 2, outcome: 'landed', at: 'x' } }, returnvalue: rv }), /^LANDED after redrive · SIGNATURE_INVALID · AAPL/);
  assert.match(deadLetterJobName({ data: { ...l, redrive: { attempt: 2, outcome: 'spilled', at: 'x' } }, returnvalue: rv }), /^SPILLED after redrive/);
  const again = { attempt: 2, outcome: 'dead-lettered again' as const, at: 'x', deadLetterId: 'dl.fedcba9876543210', error: { code: 'CLICKHOUSE_BAD_DATA' as const, message: 'm' } };
  assert.match(deadLetterJobName({ data: { ...l, redrive: again }, returnvalue: rv }), /^DEAD-LETTERED AGAIN as dl\.fedcba9876543210 \(CLICKHOUSE_BAD_DATA\) · /);
});
