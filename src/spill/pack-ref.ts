/**
 * A spilled trade of a signed pack does not carry the whole pack in its row (a 100-trade pack
 * would be stored 100 times): the pack is stored once in `spill_packs`, keyed by its signature,
 * and the row's `envelope` column holds a reference `{"pack":"<sig>","item":n}` to it.
 */
const SIG = /^[0-9a-f]{64}$/;
const REF = /^\{"pack":"([0-9a-f]{64})","item":(\d{1,4})\}$/;

/** The pack's signature, when `envelope` is a verified envelope (only those reach the spill). */
export function packSigOf(envelope: unknown): string | undefined {
  const sig = (envelope as { sig?: unknown } | null)?.sig;
  return typeof sig === 'string' && SIG.test(sig) ? sig : undefined;
}

export function packRef(sig: string, item: number): string {
  return `{"pack":"${sig}","item":${item}}`;
}

/** The pack and position a row's `envelope` column refers to, or undefined for a stored envelope. */
export function readPackRef(text: string): { sig: string; item: number } | undefined {
  const match = REF.exec(text);
  return match?.[1] === undefined || match[2] === undefined ? undefined : { sig: match[1], item: Number(match[2]) };
}
