import { shardOf } from '../../partitions/symbol-hash.js';
import type { EncodedBatch } from '../trade-sink.js';
import { TRADE_COLUMNS } from './trade-columns.js';

const TRADE_ID = TRADE_COLUMNS.indexOf('trade_id');
const SYMBOL = TRADE_COLUMNS.indexOf('symbol');

/** The `index`-th tab-separated field of `line` (the fields before it contain no tab). */
function fieldAt(line: string, index: number): string {
  let start = 0;
  for (let i = 0; i < index; i++) start = line.indexOf('\t', start) + 1;
  const end = line.indexOf('\t', start);
  return line.slice(start, end < 0 ? undefined : end);
}

/**
 * Splits an encoded batch (TabSeparated lines in TRADE_COLUMNS order, one per distinct trade,
 * as spill replay has DuckDB build it) into one batch per shard, by `shardOf(symbol)`, keeping
 * the lines' order. Encoded batches never hold escaped fields (replay sends such batches as
 * rows), so the symbol is read verbatim. Index i of the result is shard i; empty shards have no lines.
 */
export function splitEncodedBatch(batch: EncodedBatch, shards: number): EncodedBatch[] {
  if (shards <= 1) return [batch];
  const bodies: string[][] = Array.from({ length: shards }, () => []);
  const ids: string[][] = Array.from({ length: shards }, () => []);
  for (const line of batch.body.split('\n')) {
    if (line === '') continue;
    const shard = shardOf(fieldAt(line, SYMBOL), shards);
    (bodies[shard] as string[]).push(line);
    (ids[shard] as string[]).push(fieldAt(line, TRADE_ID));
  }
  return bodies.map((lines, i) => ({ body: lines.length === 0 ? '' : `${lines.join('\n')}\n`, tradeIds: ids[i] as string[] }));
}
