import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors/index.js';

/** PEM files named by environment variables, e.g. `{ ca: 'TRADE_SYNC_REDIS_TLS_CA_FILE' }`. */
export interface TlsFileVariables {
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
}

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${variable}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * A CA bundle, client/server certificate and private key read from files at start-up. The bytes
 * never leave this object except through the getters used to build TLS contexts: it renders as
 * which parts are present in logs, JSON and `util.inspect`, never as key material.
 */
export class TlsMaterial {
  readonly #ca: Buffer | undefined;
  readonly #cert: Buffer | undefined;
  readonly #key: Buffer | undefined;

  private constructor(ca: Buffer | undefined, cert: Buffer | undefined, key: Buffer | undefined) {
    this.#ca = ca;
    this.#cert = cert;
    this.#key = key;
  }

  /**
   * Reads the files named in `paths` (keyed by the variable that named them, for errors). Returns
   * undefined when no file is named; a certificate without its key (or the reverse) is a ConfigError.
   */
  static fromFiles(names: { ca: string; cert: string; key: string }, paths: TlsFileVariables): TlsMaterial | undefined {
    if (paths.ca === undefined && paths.cert === undefined && paths.key === undefined) return undefined;
    if ((paths.cert === undefined) !== (paths.key === undefined)) {
      throw new ConfigError(`${paths.cert === undefined ? names.cert : names.key} must be set together with ${paths.cert === undefined ? names.key : names.cert}`);
    }
    return new TlsMaterial(
      paths.ca === undefined ? undefined : readPem(names.ca, paths.ca),
      paths.cert === undefined ? undefined : readPem(names.cert, paths.cert),
      paths.key === undefined ? undefined : readPem(names.key, paths.key),
    );
  }

  get ca(): Buffer | undefined {
    return this.#ca;
  }

  get cert(): Buffer | undefined {
    return this.#cert;
  }

  get key(): Buffer | undefined {
    return this.#key;
  }

  toJSON(): { ca: boolean; cert: boolean; key: boolean } {
    return { ca: this.#ca !== undefined, cert: this.#cert !== undefined, key: this.#key !== undefined };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `TlsMaterial(${Object.entries(this.toJSON()).filter(([, present]) => present).map(([part]) => part).join(', ')})`;
  }
}
