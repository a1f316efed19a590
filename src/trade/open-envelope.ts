import type { Keyring } from '../config/keyring.js';
import { SignatureError } from '../errors/index.js';
import { parseTrade } from './parse-trade.js';
import { signedEnvelopeSchema, type SignedEnvelope } from './signed-envelope.js';
import { verifyEnvelope } from './signing.js';
import type { Trade } from './trade-schema.js';

/**
 * Untrusted message in, verified trade out: shape of the envelope, then the signature, then the
 * trade schema. Throws a typed error (SignatureError / TradeValidationError) at the first failure.
 */
export function openEnvelope(keyring: Keyring, message: unknown, maxSchemaVersion?: number): { envelope: SignedEnvelope; trade: Trade } {
  const shape = signedEnvelopeSchema.safeParse(message);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    throw new SignatureError('ENVELOPE_INVALID', `${issue?.path.join('.') || 'envelope'}: ${issue?.message ?? 'invalid'}`);
  }
  const envelope = shape.data;
  verifyEnvelope(keyring, envelope);
  let body: unknown;
  try {
    body = JSON.parse(envelope.payload);
  } catch {
    throw new SignatureError('ENVELOPE_INVALID', 'payload is not JSON text');
  }
  return { envelope, trade: parseTrade(body, maxSchemaVersion) };
}
