import { z } from 'zod';

/** Largest trade payload accepted inside an envelope, in bytes of JSON text. */
export const MAX_PAYLOAD_BYTES = 4096;

/** Field patterns, shared by the schema below and its hot-path twin (parse-envelope.ts). */
export const ENVELOPE_RULES = {
  kid: /^[A-Za-z0-9_.-]{1,64}$/,
  nonce: /^[A-Za-z0-9_-]{16,64}$/,
  sentAtNs: /^[1-9][0-9]{0,18}$/,
  sig: /^[0-9a-f]{64}$/,
} as const;

/**
 * The signed wire form of one trade. `payload` is the trade's JSON text exactly as signed;
 * `sig` is hex HMAC-SHA256 over `canonicalBytes` (see signing.ts).
 */
export const signedEnvelopeSchema = z.strictObject({
  kid: z.string().regex(ENVELOPE_RULES.kid, 'must be a key id of 1-64 of [A-Za-z0-9_.-]'),
  nonce: z.string().regex(ENVELOPE_RULES.nonce, 'must be 16-64 of [A-Za-z0-9_-]'),
  sent_at_ns: z.string().regex(ENVELOPE_RULES.sentAtNs, 'must be nanoseconds since the epoch as a decimal string'),
  sig: z.string().regex(ENVELOPE_RULES.sig, 'must be 64 lower-case hex digits'),
  payload: z.string().min(2).max(MAX_PAYLOAD_BYTES),
});

export type SignedEnvelope = z.infer<typeof signedEnvelopeSchema>;
