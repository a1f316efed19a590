import { createHmac, randomBytes } from 'node:crypto';
import type { SignedEnvelope } from '../../src/trade/signed-envelope.js';
import { canonicalBytes } from '../../src/trade/signing.js';

/**
 * An envelope signed by hand, the way a non-Node producer would: HMAC-SHA256 with `secret`
 * over canonicalBytes. `payload` is sent as is, so it can hold an invalid trade (or no JSON).
 */
export function handSign(kid: string, secret: string, payload: string, sentAtNs = `${Date.now()}000000`): SignedEnvelope {
  const unsigned = { kid, nonce: randomBytes(12).toString('base64url'), sent_at_ns: sentAtNs, payload };
  return { ...unsigned, sig: createHmac('sha256', secret).update(canonicalBytes(unsigned)).digest('hex') };
}
