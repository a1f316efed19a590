import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Keyring } from './keyring.js';
import { SignatureError } from '../errors/index.js';
import { MAX_PACK_TRADES, type SignedEnvelope } from './signed-envelope.js';
import type { Trade } from './trade-schema.js';

const DOMAIN = 'trade-sync.v1';
const noncePrefix = randomBytes(12).toString('base64url');
let nonceCounter = 0;

/**
 * The exact bytes that are signed: the domain tag, kid, nonce, sent_at_ns and the payload text,
 * joined by "\n". Any language can rebuild them (README shows openssl).
 */
export function canonicalBytes(e: Pick<SignedEnvelope, 'kid' | 'nonce' | 'sent_at_ns' | 'payload'>): string {
  return `${DOMAIN}\n${e.kid}\n${e.nonce}\n${e.sent_at_ns}\n${e.payload}`;
}

function hmac(secret: Buffer, e: Pick<SignedEnvelope, 'kid' | 'nonce' | 'sent_at_ns' | 'payload'>): Buffer {
  return createHmac('sha256', secret).update(canonicalBytes(e)).digest();
}

/** Unique per process and call: a random process prefix and a counter. */
function nextNonce(): string {
  nonceCounter += 1;
  return `${noncePrefix}${nonceCounter.toString(36)}`;
}

function nowNs(): string {
  return (BigInt(Date.now()) * 1_000_000n).toString();
}

/** Signs a payload text with the keyring's signing key. */
function signPayload(keyring: Keyring, payload: string, sentAtNs: string): SignedEnvelope {
  const kid = keyring.signingKid;
  const secret = kid === undefined ? undefined : keyring.secret(kid);
  if (kid === undefined || secret === undefined) throw new SignatureError('SIGNATURE_UNKNOWN_KEY', 'no signing key configured');
  const unsigned = { kid, nonce: nextNonce(), sent_at_ns: sentAtNs, payload };
  return { ...unsigned, sig: hmac(secret, unsigned).toString('hex') };
}

/** Signs one trade with the keyring's signing key. */
export function signTrade(keyring: Keyring, trade: Trade, sentAtNs: string = nowNs()): SignedEnvelope {
  return signPayload(keyring, JSON.stringify(trade), sentAtNs);
}

/**
 * Signs a pack of trades as one envelope (payload: their JSON array): one HMAC for the pack,
 * which the worker checks once. At most MAX_PACK_TRADES trades (the worker refuses more).
 */
export function signPack(keyring: Keyring, trades: readonly Trade[], sentAtNs: string = nowNs()): SignedEnvelope {
  if (trades.length === 0 || trades.length > MAX_PACK_TRADES) throw new RangeError(`a pack holds 1 to ${MAX_PACK_TRADES} trades, not ${trades.length}`);
  return signPayload(keyring, JSON.stringify(trades), sentAtNs);
}

/** Checks the signature with a timing-safe compare; throws SignatureError on an unknown kid or mismatch. */
export function verifyEnvelope(keyring: Keyring, e: SignedEnvelope): void {
  const secret = keyring.secret(e.kid);
  if (secret === undefined) throw new SignatureError('SIGNATURE_UNKNOWN_KEY', `key id "${e.kid}" is not configured`);
  const expected = hmac(secret, e);
  const given = Buffer.from(e.sig, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SignatureError('SIGNATURE_INVALID', `signature does not match (kid "${e.kid}")`);
  }
}
