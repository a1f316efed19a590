import { IngestError } from '../errors/index.js';

/** One element of the body: parsed JSON, or why its NDJSON line is not JSON. */
export type BodyItem = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

function badRequest(message: string): IngestError {
  return new IngestError('INGEST_BAD_REQUEST', 400, message);
}

/**
 * Splits a request body into envelopes: a JSON array (first non-blank character `[`), or NDJSON
 * (one JSON value per line; blank lines are skipped, `\r\n` is fine). A line that is not JSON is
 * that item's problem only; a body that is not UTF-8, an array that does not parse, an empty body
 * or more than `maxTrades` items refuse the whole request (INGEST_BAD_REQUEST, 400).
 */
export function splitIngestBody(body: Buffer, maxTrades: number): BodyItem[] {
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw badRequest('body is not UTF-8 text');
  }
  const start = /\S/.exec(text);
  if (start === null) throw badRequest('body is empty: send NDJSON (one signed envelope per line) or a JSON array of envelopes');
  if (text[start.index] === '[') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw badRequest(`body starts with "[" but is not a JSON array: ${(err as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw badRequest('body starts with "[" but is not a JSON array');
    if (parsed.length === 0) throw badRequest('the JSON array holds no envelopes');
    if (parsed.length > maxTrades) throw badRequest(`${parsed.length} trades in one request; at most ${maxTrades} (TRADE_SYNC_INGEST_MAX_TRADES)`);
    return parsed.map((value: unknown) => ({ ok: true, value }));
  }
  const lines = text.split('\n').filter((line) => /\S/.test(line));
  if (lines.length > maxTrades) throw badRequest(`${lines.length} trades in one request; at most ${maxTrades} (TRADE_SYNC_INGEST_MAX_TRADES)`);
  return lines.map((line, i) => {
    try {
      return { ok: true, value: JSON.parse(line) as unknown };
    } catch {
      return { ok: false, message: `line ${i + 1} is not JSON` };
    }
  });
}
