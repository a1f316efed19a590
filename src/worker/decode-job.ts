import type { Keyring } from '../config/keyring.js';
import { TradeSyncError, type ErrorCode } from '../errors/index.js';
import type { RowSource, TradeRow } from '../sinks/trade-row.js';
import { parseTrade } from '../trade/parse-trade.js';
import { readSignedPayload, type SignedPayload } from '../trade/read-signed-payload.js';

/** An envelope, or one trade of a pack, that failed before reaching the sink, with why. */
export interface EarlyReject {
  readonly envelope: unknown;
  /** Position of the envelope in its job, which names the dead letter when no trade id is readable. */
  readonly index: number;
  /** Position of the trade in the envelope's pack, when only that trade failed. */
  readonly item?: number | undefined;
  readonly tradeId: string | null;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface DecodedJob {
  readonly jobId: string;
  readonly rows: TradeRow[];
  readonly rejects: EarlyReject[];
  readonly bytes: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Best effort, for the dead letter's tradeId: the one trade's trade_id when it looks like one (a pack names no one trade). */
function readableTradeId(envelope: unknown): string | null {
  const payload = (envelope as { payload?: unknown } | null)?.payload;
  if (typeof payload !== 'string' || payload.trimStart().startsWith('[')) return null;
  const match = /"trade_id"\s*:\s*"([^"]{36})"/.exec(payload);
  return match?.[1] !== undefined && UUID.test(match[1]) ? match[1] : null;
}

function itemTradeId(item: unknown): string | null {
  const id = (item as { trade_id?: unknown } | null)?.trade_id;
  return typeof id === 'string' && UUID.test(id) ? id : null;
}

function asReject(err: unknown, fields: Omit<EarlyReject, 'code' | 'message'>): EarlyReject {
  if (!(err instanceof TradeSyncError)) throw err;
  return { ...fields, code: err.code, message: err.message };
}

/**
 * Verifies every envelope of a job (one HMAC per envelope, so one per pack) and validates each
 * trade; failures become early rejects, never exceptions: a bad envelope rejects its trades, a
 * bad trade of a pack only itself. `data.item` (a redriven dead letter of a pack) keeps only that
 * trade of the job's one envelope.
 */
export function decodeJob(keyring: Keyring, jobId: string, data: unknown, maxSchemaVersion?: number): DecodedJob {
  const envelopes = (data as { envelopes?: unknown } | null)?.envelopes;
  const only = (data as { item?: unknown } | null)?.item;
  const badSelection = only !== undefined && (!Number.isInteger(only) || (only as number) < 0 || !Array.isArray(envelopes) || envelopes.length !== 1);
  if (!Array.isArray(envelopes) || badSelection) {
    const message = badSelection ? 'job data selects an "item" but is not one envelope with a valid position' : 'job data has no "envelopes" array';
    return { jobId, rows: [], rejects: [{ envelope: data, index: 0, tradeId: null, code: 'ENVELOPE_INVALID', message }], bytes: 0 };
  }
  const rows: TradeRow[] = [];
  const rejects: EarlyReject[] = [];
  let bytes = 0;
  for (let index = 0; index < envelopes.length; index++) {
    const envelope: unknown = envelopes[index];
    let opened: SignedPayload;
    try {
      opened = readSignedPayload(keyring, envelope);
    } catch (err) {
      rejects.push(asReject(err, { envelope, index, tradeId: readableTradeId(envelope) }));
      continue;
    }
    const { kid, payload } = opened.envelope;
    bytes += payload.length + 64;
    const source: RowSource = { jobId, index, envelope };
    if (!opened.packed) {
      if (only !== undefined) {
        rejects.push({ envelope, index, tradeId: readableTradeId(envelope), code: 'ENVELOPE_INVALID', message: 'job data selects an "item" of a pack, but the envelope holds one trade' });
        continue;
      }
      try {
        rows.push({ trade: parseTrade(opened.items[0], maxSchemaVersion), kid, source });
      } catch (err) {
        rejects.push(asReject(err, { envelope, index, tradeId: readableTradeId(envelope) }));
      }
      continue;
    }
    const items = opened.items;
    const from = only === undefined ? 0 : (only as number);
    const to = only === undefined ? items.length : Math.min(items.length, from + 1);
    if (from >= to) {
      rejects.push({ envelope, index, tradeId: null, code: 'ENVELOPE_INVALID', message: `job data selects item ${from} of a pack of ${items.length} trades` });
      continue;
    }
    for (let item = from; item < to; item++) {
      try {
        rows.push({ trade: parseTrade(items[item], maxSchemaVersion), kid, source, item });
      } catch (err) {
        rejects.push(asReject(err, { envelope, index, item, tradeId: itemTradeId(items[item]) }));
      }
    }
  }
  return { jobId, rows, rejects, bytes };
}
