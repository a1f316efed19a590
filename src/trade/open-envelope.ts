import type { Keyring } from '../config/keyring.js';
import { SignatureError } from '../errors/index.js';
import { parseTrade } from './parse-trade.js';
import { parseEnvelope } from './parse-envelope.js';
import type { SignedEnvelope } from './signed-envelope.js';
import { verifyEnvelope } from './signing.js';
import type { Trade } from './trade-schema.js';

/**
 * Untrusted message in, verified trade out: shape of the envelope, then the signature, then the
 * trade schema. Throws a typed error (SignatureError / TradeValidationError) at the first failure.
 */
export function openEnvelope(keyring: Keyring, message: unknown, maxSchemaVersion?: number): { envelope: SignedEnvelope; trade: Trade } {
  const envelope = parseEnvelope(message);
  verifyEnvelope(keyring, envelope);
  let body: unknown;
  try {
    body = JSON.parse(envelope.payload);
  } catch {
    throw new SignatureError('ENVELOPE_INVALID', 'payload is not JSON text');
  }
  return { envelope, trade: parseTrade(body, maxSchemaVersion) };
}
