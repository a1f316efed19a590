import type { DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from '../logger.js';
import type { TradeRow } from '../sinks/trade-row.js';

/**
 * A spilled trade of a signed pack does not carry the whole pack in its row (a 100-trade pack
 * would be stored 100 times): the pack is stored once in `spill_packs`, keyed by its signature,
 * and the row's `envelope` column holds a reference `{"pack":"<sig>","item":n}` to it.
 */
const SIG = /^[0-9a-f]{64}$/;
const REF = /^\{"pack":"([0-9a-f]{64})","item":(\d{1,4})\}$/;

/** The pack's signature and the row's reference to it, when `envelope` is a verified envelope (only those reach the spill). */
export function packRefOf(envelope: unknown, item: number): { sig: string; text: string } | undefined {
  const sig = (envelope as { sig?: unknown } | null)?.sig;
  return typeof sig === 'string' && SIG.test(sig) ? { sig, text: `{"pack":"${sig}","item":${item}}` } : undefined;
}

/** The pack and position a row's `envelope` column refers to, or undefined for a stored envelope. */
export function readPackRef(text: string): { sig: string; item: number } | undefined {
  const match = REF.exec(text);
  return match?.[1] === undefined || match[2] === undefined ? undefined : { sig: match[1], item: Number(match[2]) };
}

/** SQL: packs no spilled row refers to any more (`{"pack":"` is 9 characters, then the signature). */
export const UNREFERENCED_PACKS_SQL = `DELETE FROM spill_packs WHERE sig NOT IN (SELECT substr(envelope, 10, 64) FROM spill_rows WHERE starts_with(envelope, '{"pack":"'))`;

/**
 * A replayed row's envelope before its pack is read: a replayed batch loads packs only for the
 * rows that are dead-lettered (a batch in (symbol, ts_ns) order touches most packs of a file).
 */
export class SpilledPackRef {
  constructor(readonly sig: string) {}
}

/**
 * The rows with their stored packs in place of SpilledPackRefs (one object per pack, read in one
 * query). A pack that is missing (a file tampered with, or backed up by a release without packs)
 * leaves the trade itself in the envelope, unsigned, so a dead letter still holds it; logged.
 */
export async function withStoredPacks(c: DuckDBConnection, rows: readonly TradeRow[], log: Logger): Promise<TradeRow[]> {
  const sigs = new Set<string>();
  for (const r of rows) if (r.source.envelope instanceof SpilledPackRef) sigs.add(r.source.envelope.sig);
  if (sigs.size === 0) return [...rows];
  // Signatures are 64 hex digits (readPackRef), so they can be quoted as they are.
  const found = await c.runAndReadAll(`SELECT sig, envelope FROM spill_packs WHERE sig IN (${[...sigs].map((s) => `'${s}'`).join(', ')})`);
  const packs = new Map(found.getRows().map(([sig, envelope]) => [String(sig), JSON.parse(String(envelope)) as unknown]));
  return rows.map((r) => {
    const ref = r.source.envelope;
    if (!(ref instanceof SpilledPackRef)) return r;
    const pack = packs.get(ref.sig);
    if (pack === undefined) log.error({ pack: ref.sig, tradeId: r.trade.trade_id }, 'spilled trade refers to a pack the spill file does not hold; its dead letter keeps the trade unsigned');
    return { ...r, source: { ...r.source, envelope: pack ?? { missingPack: ref.sig, trade: r.trade } } };
  });
}
