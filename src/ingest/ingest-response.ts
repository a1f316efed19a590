import type { ErrorCode, FieldIssue } from '../errors/index.js';

/** What the handler answers; the server shell writes it as is. */
export interface IngestResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The outcome of one trade of a request, by its position in the body. */
export interface TradeResult {
  readonly index: number;
  /** The trade's id when it could be read (for a rejected trade it is only a label, not verified). */
  readonly trade_id: string | null;
  /** 200 when accepted (it is in Redis), else the HTTP status of its rejection. */
  readonly status: number;
  readonly code?: ErrorCode;
  readonly message?: string;
  /** Per-field problems of an invalid trade (TRADE_INVALID). */
  readonly issues?: readonly FieldIssue[];
  /** For 429 / 503: seconds until a retry may succeed. */
  readonly retry_after_s?: number;
}

/** The JSON body of every answer to POST /v1/trades. */
export interface IngestResponseBody {
  readonly accepted: number;
  readonly rejected: number;
  readonly results: readonly TradeResult[];
  /** Set when the request as a whole was refused (nothing of it was looked at per trade). */
  readonly error?: { readonly code: ErrorCode; readonly message: string };
}

export function jsonResponse(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): IngestResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** A whole-request refusal: `{accepted: 0, rejected: 0, results: [], error: {code, message}}`. */
export function requestErrorResponse(status: number, code: ErrorCode, message: string, retryAfterS?: number, headers: Readonly<Record<string, string>> = {}): IngestResponse {
  const body: IngestResponseBody = { accepted: 0, rejected: 0, results: [], error: { code, message } };
  return jsonResponse(status, body, retryAfterS === undefined ? headers : { ...headers, 'retry-after': String(retryAfterS) });
}

/**
 * 200 when every trade was accepted, 207 when some were, and otherwise the highest per-trade
 * status (503 > 429 > 409 > 403 > 401 > 400). Retry-After is the longest wait any trade was given.
 */
export function tradeResultsResponse(results: readonly TradeResult[]): IngestResponse {
  const accepted = results.filter((r) => r.status === 200).length;
  const rejected = results.length - accepted;
  const status = rejected === 0 ? 200 : accepted > 0 ? 207 : Math.max(...results.map((r) => r.status));
  const waits = results.map((r) => r.retry_after_s).filter((s): s is number => s !== undefined);
  const body: IngestResponseBody = { accepted, rejected, results };
  return jsonResponse(status, body, waits.length > 0 ? { 'retry-after': String(Math.max(...waits)) } : {});
}
