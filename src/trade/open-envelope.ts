import type { Keyring } from './keyring.js';
import { SignatureError } from '../errors/index.js';
import { parseTrade } from './parse-trade.js';
import { readSignedPayload } from './read-signed-payload.js';
import type { SignedEnvelope } from './signed-envelope.js';
import type { Trade } from './trade-schema.js';

/**
 * Untrusted message of one trade in, verified trade out: shape of the envelope, then the
 * signature, then the trade schema. Throws a typed error (SignatureError / TradeValidationError)
 * at the first failure; a signed pack is ENVELOPE_INVALID here (the sink worker reads packs).
 */
export function openEnvelope(keyring: Keyring, message: unknown, maxSchemaVersion?: number): { envelope: SignedEnvelope; trade: Trade } {
  const { envelope, items, packed } = readSignedPayload(keyring, message);
  if (packed) throw new SignatureError('ENVELOPE_INVALID', `payload is a pack of ${items.length} trades, not one trade`);
  return { envelope, trade: parseTrade(items[0], maxSchemaVersion) };
}
