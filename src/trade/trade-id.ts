import { TRADE_RULES } from './trade-schema.js';

const TRADE_ID_FIELD = /"trade_id"\s*:\s*"([^"]{36})"/;

/** True for a trade id the schema accepts (a lower-case RFC 4122 UUID): the one UUID pattern. */
export function isTradeId(value: unknown): value is string {
  return typeof value === 'string' && TRADE_RULES.uuid.test(value);
}

/**
 * Best effort, to name a message that failed before it was parsed (a dead letter, an ingest
 * result): the trade_id written in a one-trade payload's JSON text, when it is a valid one.
 */
export function tradeIdInPayload(payload: string): string | null {
  const id = TRADE_ID_FIELD.exec(payload)?.[1];
  return isTradeId(id) ? id : null;
}
