import type { Keyring } from './keyring.js';
import { SignatureError } from '../errors/index.js';
import { parseEnvelope } from './parse-envelope.js';
import { MAX_PACK_TRADES, MAX_PAYLOAD_BYTES, type SignedEnvelope } from './signed-envelope.js';
import { verifyEnvelope } from './signing.js';

/** A message whose signature checked out, with its payload parsed but its trades not yet validated. */
export interface SignedPayload {
  readonly envelope: SignedEnvelope;
  /** The trade (one element) or the pack's trades, as untrusted values for parseTrade. */
  readonly items: readonly unknown[];
  /** True when the payload is a pack (a JSON array), even of one trade. */
  readonly packed: boolean;
}

/**
 * Parses a payload already verified (or about to be): one trade object of at most
 * MAX_PAYLOAD_BYTES, or an array of 1 to MAX_PACK_TRADES of them. Throws ENVELOPE_INVALID.
 */
export function parsePayload(payload: string): { items: readonly unknown[]; packed: boolean } {
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    throw new SignatureError('ENVELOPE_INVALID', 'payload is not JSON text');
  }
  if (!Array.isArray(body)) {
    if (payload.length > MAX_PAYLOAD_BYTES) throw new SignatureError('ENVELOPE_INVALID', `payload: a single trade must be at most ${MAX_PAYLOAD_BYTES} characters`);
    return { items: [body], packed: false };
  }
  if (body.length === 0 || body.length > MAX_PACK_TRADES) {
    throw new SignatureError('ENVELOPE_INVALID', `payload: a pack must hold 1 to ${MAX_PACK_TRADES} trades, not ${body.length}`);
  }
  return { items: body, packed: true };
}

/**
 * Untrusted message in, verified payload out: the envelope's shape, then its signature, then
 * the payload's JSON. One HMAC covers a whole pack. Throws SignatureError at the first failure;
 * the trades themselves are validated by the caller, one by one, so one bad trade of a pack
 * does not take the others with it.
 */
export function readSignedPayload(keyring: Keyring, message: unknown): SignedPayload {
  const envelope = parseEnvelope(message);
  verifyEnvelope(keyring, envelope);
  return { envelope, ...parsePayload(envelope.payload) };
}
