import type { Keyring } from '../config/keyring.js';
import { TradeSyncError, type ErrorCode } from '../errors/index.js';
import type { TradeRow } from '../sinks/trade-row.js';
import { openEnvelope } from '../trade/open-envelope.js';

/** An envelope that failed before reaching the sink, with why. */
export interface EarlyReject {
  readonly envelope: unknown;
  /** Position of the envelope in its job, which names the dead letter when no trade id is readable. */
  readonly index: number;
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

/** Best effort, for the dead letter's tradeId: the payload's trade_id when it looks like one. */
function readableTradeId(envelope: unknown): string | null {
  const payload = (envelope as { payload?: unknown } | null)?.payload;
  if (typeof payload !== 'string') return null;
  const match = /"trade_id"\s*:\s*"([^"]{36})"/.exec(payload);
  return match?.[1] !== undefined && UUID.test(match[1]) ? match[1] : null;
}

/** Verifies and validates every envelope of a job; failures become early rejects, never exceptions. */
export function decodeJob(keyring: Keyring, jobId: string, data: unknown, maxSchemaVersion?: number): DecodedJob {
  const envelopes = (data as { envelopes?: unknown } | null)?.envelopes;
  if (!Array.isArray(envelopes)) {
    const reject: EarlyReject = { envelope: data, index: 0, tradeId: null, code: 'ENVELOPE_INVALID', message: 'job data has no "envelopes" array' };
    return { jobId, rows: [], rejects: [reject], bytes: 0 };
  }
  const rows: TradeRow[] = [];
  const rejects: EarlyReject[] = [];
  let bytes = 0;
  envelopes.forEach((envelope, index) => {
    try {
      const opened = openEnvelope(keyring, envelope, maxSchemaVersion);
      const size = opened.envelope.payload.length + 64;
      bytes += size;
      rows.push({ trade: opened.trade, kid: opened.envelope.kid, bytes: size, source: { jobId, index, envelope } });
    } catch (err) {
      if (!(err instanceof TradeSyncError)) throw err;
      rejects.push({ envelope, index, tradeId: readableTradeId(envelope), code: err.code, message: err.message });
    }
  });
  return { jobId, rows, rejects, bytes };
}
