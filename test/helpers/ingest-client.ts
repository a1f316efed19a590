import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { IngestResponseBody } from '../../src/ingest/ingest-response.js';
import type { SignedEnvelope } from '../../src/trade/signed-envelope.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { handSign } from './hand-sign.js';
import { testSecret } from './test-secret.js';

export interface IngestReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The parsed body (every answer of the ingest server is JSON). */
  readonly json: IngestResponseBody;
}

export interface ClientTls {
  readonly ca: string;
  readonly cert?: string;
  readonly key?: string;
}

/** POSTs `body` over HTTPS with Node's own client (our code is only the server here). */
export function postIngest(url: string, body: string | Buffer, tls: ClientTls, options: { method?: string; path?: string; headers?: Record<string, string> } = {}): Promise<IngestReply> {
  const target = new URL(options.path ?? '/v1/trades', url);
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: options.method ?? 'POST',
        ca: readFileSync(tls.ca),
        ...(tls.cert ? { cert: readFileSync(tls.cert) } : {}),
        ...(tls.key ? { key: readFileSync(tls.key) } : {}),
        headers: { 'content-type': 'application/x-ndjson', ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: IngestResponseBody;
          try {
            json = JSON.parse(text) as IngestResponseBody;
          } catch {
            json = { accepted: -1, rejected: -1, results: [] };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Envelopes signed by hand with a test key (test-k1 / test-k2), the way a non-Node engine signs. */
export function signAll(trades: readonly unknown[], kid = 'test-k1', sentAtNs?: string): SignedEnvelope[] {
  return trades.map((t) => handSign(kid, testSecret(kid), JSON.stringify(t), sentAtNs));
}

export function ndjson(items: readonly unknown[]): string {
  return `${items.map((i) => JSON.stringify(i)).join('\n')}\n`;
}

export type { Trade };
