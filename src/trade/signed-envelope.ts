import { z } from 'zod';

/** Largest trade payload accepted inside an envelope, in bytes of JSON text. */
export const MAX_PAYLOAD_BYTES = 4096;

/**
 * The signed wire form of one trade. `payload` is the trade's JSON text exactly as signed;
 * `sig` is hex HMAC-SHA256 over `canonicalBytes` (see signing.ts).
 */
export const signedEnvelopeSchema = z.strictObject({
  kid: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a key id of 1-64 of [A-Za-z0-9_.-]'),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be 16-64 of [A-Za-z0-9_-]'),
  sent_at_ns: z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be nanoseconds since the epoch as a decimal string'),
  sig: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  payload: z.string().min(2).max(MAX_PAYLOAD_BYTES),
});

export type SignedEnvelope = z.infer<typeof signedEnvelopeSchema>;
