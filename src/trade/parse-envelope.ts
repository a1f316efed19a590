import { SignatureError } from '../errors/index.js';
import { isPlainObject } from './trade-fast-check.js';
import { ENVELOPE_RULES, MAX_PACK_PAYLOAD_BYTES, signedEnvelopeSchema, type SignedEnvelope } from './signed-envelope.js';

const R = ENVELOPE_RULES;
const KEYS = new Set(['kid', 'nonce', 'sent_at_ns', 'sig', 'payload']);

/** The hot-path twin of signedEnvelopeSchema: true only when zod would accept `m` unchanged. */
export function passesEnvelopeSchema(m: unknown): m is SignedEnvelope {
  if (!isPlainObject(m)) return false;
  const e = m;
  for (const k of Object.keys(e)) if (!KEYS.has(k)) return false;
  return (
    typeof e.kid === 'string' &&
    R.kid.test(e.kid) &&
    typeof e.nonce === 'string' &&
    R.nonce.test(e.nonce) &&
    typeof e.sent_at_ns === 'string' &&
    R.sentAtNs.test(e.sent_at_ns) &&
    typeof e.sig === 'string' &&
    R.sig.test(e.sig) &&
    typeof e.payload === 'string' &&
    e.payload.length >= 2 &&
    e.payload.length <= MAX_PACK_PAYLOAD_BYTES
  );
}

/**
 * Untrusted message → envelope shape (not yet its signature). A valid one is returned as given;
 * an invalid one is parsed by the zod schema, whose first issue becomes ENVELOPE_INVALID.
 */
export function parseEnvelope(message: unknown): SignedEnvelope {
  if (passesEnvelopeSchema(message)) return message;
  const shape = signedEnvelopeSchema.safeParse(message);
  if (shape.success) return shape.data;
  const issue = shape.error.issues[0];
  throw new SignatureError('ENVELOPE_INVALID', `${issue?.path.join('.') || 'envelope'}: ${issue?.message ?? 'invalid'}`);
}
