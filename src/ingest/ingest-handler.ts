import type { IngestConfig } from '../config/ingest-config.js';
import type { Keyring } from '../trade/keyring.js';
import { IngestError, SignatureError, TradeSyncError, TradeValidationError, type ErrorCode } from '../errors/index.js';
import type { Logger } from '../logger.js';
import { parseTrade } from '../trade/parse-trade.js';
import { parseEnvelope } from '../trade/parse-envelope.js';
import { parsePayload } from '../trade/read-signed-payload.js';
import type { SignedEnvelope } from '../trade/signed-envelope.js';
import { verifyEnvelope } from '../trade/signing.js';
import { tradeIdInPayload } from '../trade/trade-id.js';
import type { Trade } from '../trade/trade-schema.js';
import type { BackpressureGate } from './backpressure-gate.js';
import { allowedKids } from './client-kid-policy.js';
import type { IngestRequest } from './ingest-request.js';
import { jsonResponse, requestErrorResponse, tradeResultsResponse, type IngestResponse, type TradeResult } from './ingest-response.js';
import type { KidRateLimiter } from './kid-rate-limiter.js';
import type { NonceStore } from './nonce-store.js';
import { ingestJobCount } from './plan-ingest-jobs.js';
import { replayWindowError } from './replay-window-error.js';
import { splitIngestBody } from './split-ingest-body.js';

export const TRADES_PATH = '/v1/trades';

/** A trade that passed every check that needs no Redis: shape, client policy, signature, window, schema. */
export interface VerifiedTrade {
  readonly index: number;
  /** The envelope exactly as received (the worker verifies it again). */
  readonly envelope: SignedEnvelope;
  readonly trade: Trade;
}

export interface IngestHandlerDeps {
  readonly keyring: Keyring;
  readonly config: IngestConfig;
  readonly nonces: NonceStore;
  readonly limiter: KidRateLimiter;
  readonly gate: BackpressureGate;
  /** Adds the trades as jobs of up to `packSize` envelopes in one round trip; resolves once they are in Redis. */
  readonly enqueue: (trades: readonly VerifiedTrade[]) => Promise<void>;
  /** Trades per job (TRADE_SYNC_PACK_SIZE), for counting jobs against the queue's capacity. */
  readonly packSize: number;
  readonly log: Logger;
  /** Milliseconds since the epoch (a test clock may replace it). */
  readonly now?: () => number;
}

/** Best effort, to label a rejected trade: the payload's trade_id when it looks like one. */
function labelOf(value: unknown): string | null {
  const payload = (value as { payload?: unknown } | null)?.payload;
  return typeof payload === 'string' ? tradeIdInPayload(payload) : null;
}

function reject(index: number, tradeId: string | null, status: number, code: ErrorCode, message: string, extra: Partial<TradeResult> = {}): TradeResult {
  return { index, trade_id: tradeId, status, code, message, ...extra };
}

/**
 * POST /v1/trades: NDJSON or a JSON array of signed envelopes in, one result per trade out.
 * Checks that need no Redis run first, per trade; then, for the trades that passed, in this
 * order: backpressure (503), nonce claims (409), the key's rate limit (429), and one bulk add.
 * The answer is sent only after the accepted trades are in Redis; a trade that is refused is
 * never enqueued, and its nonce is released when it was refused after being claimed.
 */
export class IngestHandler {
  readonly #deps: IngestHandlerDeps;
  readonly #now: () => number;

  constructor(deps: IngestHandlerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  async handle(request: IngestRequest): Promise<IngestResponse> {
    try {
      return await this.#route(request);
    } catch (err) {
      if (err instanceof IngestError) return requestErrorResponse(err.status, err.code, err.message, err.retryAfterS);
      this.#deps.log.error({ err: err instanceof Error ? err.message : String(err) }, 'ingest request failed unexpectedly');
      return requestErrorResponse(500, 'INGEST_INTERNAL_ERROR', 'unexpected server error; nothing from this request was enqueued', 1);
    }
  }

  async #route(request: IngestRequest): Promise<IngestResponse> {
    if (request.path === '/healthz' && (request.method === 'GET' || request.method === 'HEAD')) return jsonResponse(200, { ok: true });
    if (request.path !== TRADES_PATH) return requestErrorResponse(404, 'INGEST_BAD_REQUEST', `no such path; POST signed trades to ${TRADES_PATH}`);
    if (request.method !== 'POST') return requestErrorResponse(405, 'INGEST_BAD_REQUEST', `use POST on ${TRADES_PATH}`, undefined, { allow: 'POST' });
    const kids = allowedKids(request.client, this.#deps.config.clientKids);
    if (kids !== 'any' && kids.size === 0) {
      return requestErrorResponse(403, 'INGEST_CLIENT_NOT_ALLOWED', `client certificate (${request.client?.names.join(', ') ?? '?'}) is not mapped to any key id`);
    }
    const items = splitIngestBody(request.body, this.#deps.config.maxTrades);
    const results: (TradeResult | undefined)[] = new Array<TradeResult | undefined>(items.length);
    const verified: VerifiedTrade[] = [];
    const now = this.#now();
    items.forEach((item, index) => {
      const outcome = item.ok ? this.#verify(index, item.value, kids, now) : reject(index, null, 400, 'INGEST_BAD_REQUEST', item.message);
      if ('trade' in outcome) verified.push(outcome);
      else results[index] = outcome;
    });
    for (const result of await this.#admit(verified)) results[result.index] = result;
    const final = results.map((r, index) => r ?? reject(index, null, 500, 'INGEST_INTERNAL_ERROR', 'no result'));
    const response = tradeResultsResponse(final);
    this.#deps.log.debug({ status: response.status, trades: final.length, accepted: final.filter((r) => r.status === 200).length }, 'ingest request');
    return response;
  }

  /** Envelope shape, client policy, signature, replay window, then the trade itself. */
  #verify(index: number, value: unknown, kids: ReadonlySet<string> | 'any', nowMs: number): VerifiedTrade | TradeResult {
    const label = labelOf(value);
    let envelope: SignedEnvelope;
    try {
      envelope = parseEnvelope(value);
    } catch (err) {
      if (err instanceof SignatureError) return reject(index, label, 400, err.code, err.message);
      throw err;
    }
    if (kids !== 'any' && !kids.has(envelope.kid)) {
      return reject(index, label, 403, 'INGEST_CLIENT_NOT_ALLOWED', `this client certificate may not sign with key id "${envelope.kid}"`);
    }
    try {
      verifyEnvelope(this.#deps.keyring, envelope);
    } catch (err) {
      if (err instanceof SignatureError) return reject(index, label, 401, err.code, err.message);
      throw err;
    }
    const outside = replayWindowError(envelope.sent_at_ns, nowMs, this.#deps.config.replayWindowMs);
    if (outside !== undefined) return reject(index, label, 401, 'INGEST_REPLAY_WINDOW', outside);
    let body: { items: readonly unknown[]; packed: boolean };
    try {
      body = parsePayload(envelope.payload);
    } catch (err) {
      if (err instanceof SignatureError) return reject(index, label, 400, err.code, err.message);
      throw err;
    }
    if (body.packed) return reject(index, label, 400, 'ENVELOPE_INVALID', 'payload is a signed pack; POST one trade per envelope (packs are for the producer library)');
    try {
      return { index, envelope, trade: parseTrade(body.items[0]) };
    } catch (err) {
      if (err instanceof TradeValidationError) return reject(index, label, 400, err.code, err.message, { issues: err.issues });
      throw err;
    }
  }

  /** Backpressure, nonces, rate limits and the bulk add for the verified trades; one result each. */
  async #admit(verified: readonly VerifiedTrade[]): Promise<TradeResult[]> {
    if (verified.length === 0) return [];
    const { nonces, limiter, gate, enqueue, packSize } = this.#deps;
    const unavailable = (code: ErrorCode, message: string) =>
      verified.map((v) => reject(v.index, v.trade.trade_id, 503, code, message, { retry_after_s: 1 }));
    let claimed: VerifiedTrade[] = [];
    try {
      const depth = await gate.full(ingestJobCount(verified.length, packSize));
      if (depth !== undefined) return unavailable('QUEUE_FULL', `the queue holds ${depth} jobs, at or above 80% of its capacity; retry later`);
      const results: TradeResult[] = [];
      const fresh = await nonces.claim(verified.map((v) => v.envelope));
      verified.forEach((v, i) => {
        if (fresh[i]) claimed.push(v);
        else results.push(reject(v.index, v.trade.trade_id, 409, 'INGEST_NONCE_REUSED', `nonce "${v.envelope.nonce}" of key id "${v.envelope.kid}" was seen before; sign a retry with a new nonce`));
      });
      const accepted: VerifiedTrade[] = [];
      const limited: VerifiedTrade[] = [];
      for (const [kid, group] of groupByKid(claimed)) {
        const grant = await limiter.take(kid, group.length);
        accepted.push(...group.slice(0, grant.granted));
        const waitS = Math.max(1, Math.ceil(grant.waitMs / 1000));
        for (const v of group.slice(grant.granted)) {
          limited.push(v);
          results.push(reject(v.index, v.trade.trade_id, 429, 'INGEST_RATE_LIMITED', `key id "${kid}" is over its rate limit; retry after ${waitS} s`, { retry_after_s: waitS }));
        }
      }
      await nonces.release(limited.map((v) => v.envelope));
      claimed = accepted;
      if (accepted.length > 0) {
        await enqueue(accepted);
        gate.added(ingestJobCount(accepted.length, packSize));
      }
      claimed = [];
      for (const v of accepted) results.push({ index: v.index, trade_id: v.trade.trade_id, status: 200 });
      return results;
    } catch (err) {
      await nonces.release(claimed.map((v) => v.envelope)).catch(() => undefined);
      if (!(err instanceof TradeSyncError) && !isConnectionError(err)) throw err;
      if (err instanceof TradeSyncError && err.code === 'PARTITIONS_MISMATCH') {
        this.#deps.log.error({ err: err.message }, 'ingest: partition count changed; restart with the recorded TRADE_SYNC_PARTITIONS; trades refused with 503');
        return unavailable('PARTITIONS_MISMATCH', 'this ingest runs with another partition count than the deployment records; nothing was enqueued, retry later');
      }
      this.#deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'ingest: Redis failed; trades refused with 503');
      return unavailable('REDIS_UNAVAILABLE', 'Redis did not take the trades; nothing was enqueued, retry later');
    }
  }
}

function groupByKid(trades: readonly VerifiedTrade[]): Map<string, VerifiedTrade[]> {
  const groups = new Map<string, VerifiedTrade[]>();
  for (const v of trades) {
    const group = groups.get(v.envelope.kid);
    if (group === undefined) groups.set(v.envelope.kid, [v]);
    else group.push(v);
  }
  return groups;
}

/** ioredis / BullMQ failures reaching Redis (connection closed, retries used up, timeouts). */
function isConnectionError(err: unknown): boolean {
  return err instanceof Error && /connection|ECONNREFUSED|ECONNRESET|ETIMEDOUT|max retries|Stream isn't writeable|closed|READONLY|LOADING|OOM/i.test(`${err.name} ${err.message}`);
}
