import { ConfigError } from '../errors/index.js';

const KID = /^[A-Za-z0-9_.-]{1,64}$/;
const MIN_SECRET_LENGTH = 32;

/**
 * The HMAC keys that may sign trades, by key id. Several may be active at once (rotation).
 * Secrets never leave this object: it renders as the list of key ids in logs and JSON.
 */
export class Keyring {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly signingKid: string | undefined;

  constructor(keys: ReadonlyMap<string, Buffer>, signingKid?: string) {
    if (signingKid !== undefined && !keys.has(signingKid)) {
      throw new ConfigError(`TRADE_SYNC_SIGNING_KID "${signingKid}" is not one of the configured key ids`);
    }
    this.#keys = keys;
    this.signingKid = signingKid ?? keys.keys().next().value;
  }

  /** Parses `kid1:secret1,kid2:secret2` (the TRADE_SYNC_HMAC_KEYS format) or a `{ kid: secret }` object. */
  static parse(source: string | Record<string, unknown>, origin: string, signingKid?: string): Keyring {
    const pairs =
      typeof source === 'string'
        ? source
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean)
            .map((p) => {
              const at = p.indexOf(':');
              return at < 0 ? [p, undefined] : [p.slice(0, at), p.slice(at + 1)];
            })
        : Object.entries(source);
    const keys = new Map<string, Buffer>();
    for (const [kid, secret] of pairs) {
      if (typeof kid !== 'string' || !KID.test(kid)) throw new ConfigError(`${origin}: key id "${String(kid)}" must be 1-64 of [A-Za-z0-9_.-]`);
      if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
        throw new ConfigError(`${origin}: the secret of key "${kid}" must be a string of at least ${MIN_SECRET_LENGTH} characters`);
      }
      if (keys.has(kid)) throw new ConfigError(`${origin}: key id "${kid}" is given twice`);
      keys.set(kid, Buffer.from(secret, 'utf8'));
    }
    return new Keyring(keys, signingKid);
  }

  get size(): number {
    return this.#keys.size;
  }

  get kids(): string[] {
    return [...this.#keys.keys()];
  }

  secret(kid: string): Buffer | undefined {
    return this.#keys.get(kid);
  }

  toJSON(): { kids: string[]; signingKid: string | undefined } {
    return { kids: this.kids, signingKid: this.signingKid };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Keyring(${this.kids.join(', ')})`;
  }
}
