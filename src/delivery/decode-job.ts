import type { Keyring } from '../trade/keyring.js';
import { TradeSyncError } from '../errors/index.js';
import type { DecodedJob, EarlyReject } from '../sinks/decoded-job.js';
import type { RowSource, TradeRow } from '../sinks/trade-row.js';
import { parseTrade } from '../trade/parse-trade.js';
import { readSignedPayload, type SignedPayload } from '../trade/read-signed-payload.js';
import { isTradeId, tradeIdInPayload } from '../trade/trade-id.js';

/** Best effort, for the dead letter's tradeId: the one trade's trade_id when it looks like one (a pack names no one trade). */
function readableTradeId(envelope: unknown): string | null {
  const payload = (envelope as { payload?: unknown } | null)?.payload;
  if (typeof payload !== 'string' || payload.trimStart().startsWith('[')) return null;
  return tradeIdInPayload(payload);
}

function itemTradeId(item: unknown): string | null {
  const id = (item as { trade_id?: unknown } | null)?.trade_id;
  return isTradeId(id) ? id : null;
}

function asReject(err: unknown, fields: Omit<EarlyReject, 'code' | 'message'>): EarlyReject {
  if (!(err instanceof TradeSyncError)) throw err;
  return { ...fields, code: err.code, message: err.message };
}

/** `data.items` when it is a valid selection (distinct positions), undefined when absent, null when invalid. */
function selectionOf(data: unknown, envelopes: readonly unknown[]): ReadonlySet<number> | undefined | null {
  const items = (data as { items?: unknown } | null)?.items;
  if (items === undefined) return undefined;
  if (!Array.isArray(items) || items.length === 0 || envelopes.length !== 1) return null;
  const set = new Set<number>();
  for (const i of items) {
    if (!Number.isInteger(i) || (i as number) < 0 || set.has(i as number)) return null;
    set.add(i as number);
  }
  return set;
}

/**
 * Verifies every envelope of a job (one HMAC per envelope, so one per pack) and validates each
 * trade; failures become early rejects, never exceptions: a bad envelope rejects its trades, a
 * bad trade of a pack only itself. `data.items` (a redriven dead letter of a pack) keeps only
 * those trades of the job's one envelope.
 */
export function decodeJob(keyring: Keyring, jobId: string, data: unknown, maxSchemaVersion?: number): DecodedJob {
  const envelopes = (data as { envelopes?: unknown } | null)?.envelopes;
  const only = Array.isArray(envelopes) ? selectionOf(data, envelopes) : undefined;
  if (!Array.isArray(envelopes) || only === null) {
    const message = only === null ? 'job data has "items" that are not distinct positions of its one envelope\'s pack' : 'job data has no "envelopes" array';
    return { jobId, rows: [], rejects: [{ envelope: data, index: 0, tradeId: null, code: 'ENVELOPE_INVALID', message }], bytes: 0 };
  }
  const selection = only === undefined ? undefined : [...only];
  const rows: TradeRow[] = [];
  const rejects: EarlyReject[] = [];
  let bytes = 0;
  for (let index = 0; index < envelopes.length; index++) {
    const envelope: unknown = envelopes[index];
    let opened: SignedPayload;
    try {
      opened = readSignedPayload(keyring, envelope);
    } catch (err) {
      rejects.push(asReject(err, { envelope, index, selection, tradeId: readableTradeId(envelope) }));
      continue;
    }
    const { kid, payload } = opened.envelope;
    bytes += payload.length + 64;
    const source: RowSource = { jobId, index, envelope };
    const items = opened.items;
    if (!opened.packed) {
      if (only !== undefined) {
        rejects.push({ envelope, index, tradeId: readableTradeId(envelope), code: 'ENVELOPE_INVALID', message: 'job data selects "items" of a pack, but the envelope holds one trade' });
        continue;
      }
      try {
        rows.push({ trade: parseTrade(items[0], maxSchemaVersion), kid, source });
      } catch (err) {
        rejects.push(asReject(err, { envelope, index, tradeId: readableTradeId(envelope) }));
      }
      continue;
    }
    if (selection !== undefined && selection.some((i) => i >= items.length)) {
      rejects.push({ envelope, index, selection, tradeId: null, code: 'ENVELOPE_INVALID', message: `job data selects items ${selection.join(', ')} of a pack of ${items.length} trades` });
      continue;
    }
    for (let item = 0; item < items.length; item++) {
      if (only !== undefined && !only.has(item)) continue;
      try {
        rows.push({ trade: parseTrade(items[item], maxSchemaVersion), kid, source, item });
      } catch (err) {
        rejects.push(asReject(err, { envelope, index, item, tradeId: itemTradeId(items[item]) }));
      }
    }
  }
  return { jobId, rows, rejects, bytes };
}
