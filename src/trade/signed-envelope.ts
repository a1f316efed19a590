import { z } from 'zod';

/** Largest payload of one trade accepted inside an envelope, in characters of JSON text. */
export const MAX_PAYLOAD_BYTES = 4096;

/** Most trades one signed pack (an envelope whose payload is a JSON array of trades) may hold. */
export const MAX_PACK_TRADES = 1000;

/** Largest pack payload, in characters of JSON text (a valid trade is under 700, so any full pack fits). */
export const MAX_PACK_PAYLOAD_BYTES = 1024 * 1024;

/** Field patterns, shared by the schema below and its hot-path twin (parse-envelope.ts). */
export const ENVELOPE_RULES = {
  kid: /^[A-Za-z0-9_.-]{1,64}$/,
  nonce: /^[A-Za-z0-9_-]{16,64}$/,
  sentAtNs: /^[1-9][0-9]{0,18}$/,
  sig: /^[0-9a-f]{64}$/,
} as const;

/**
 * The signed wire form of one trade, or of a pack of trades. `payload` is the JSON text exactly
 * as signed: one trade object (at most MAX_PAYLOAD_BYTES), or an array of 1 to MAX_PACK_TRADES
 * trade objects (at most MAX_PACK_PAYLOAD_BYTES), which costs one signature for the whole pack.
 * `sig` is hex HMAC-SHA256 over `canonicalBytes` (see signing.ts). The shape checked here allows
 * the pack size; readSignedPayload checks the size that applies once the payload is parsed.
 */
export const signedEnvelopeSchema = z.strictObject({
  kid: z.string().regex(ENVELOPE_RULES.kid, 'must be a key id of 1-64 of [A-Za-z0-9_.-]'),
  nonce: z.string().regex(ENVELOPE_RULES.nonce, 'must be 16-64 of [A-Za-z0-9_-]'),
  sent_at_ns: z.string().regex(ENVELOPE_RULES.sentAtNs, 'must be nanoseconds since the epoch as a decimal string'),
  sig: z.string().regex(ENVELOPE_RULES.sig, 'must be 64 lower-case hex digits'),
  payload: z.string().min(2).max(MAX_PACK_PAYLOAD_BYTES),
});

export type SignedEnvelope = z.infer<typeof signedEnvelopeSchema>;
