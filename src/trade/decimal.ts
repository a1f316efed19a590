/**
 * Exact decimal strings: up to 18 integer digits and 12 fraction digits, no sign, no exponent,
 * no leading zeros. They map one to one onto ClickHouse `Decimal(38, 12)`; floats never appear.
 */
export const DECIMAL_PATTERN = /^(0|[1-9][0-9]{0,17})(\.[0-9]{1,12})?$/;

/** DECIMAL_PATTERN without zero ("0", "0.000"): one regex, so validation stays cheap. */
export const POSITIVE_DECIMAL_PATTERN = /^(?:0\.(?=[0-9]*[1-9])[0-9]{1,12}|[1-9][0-9]{0,17}(?:\.[0-9]{1,12})?)$/;

/** Strips trailing fraction zeros: "1.500" → "1.5", "2.000" → "2". */
export function normalizeDecimal(value: string): string {
  if (!value.includes('.')) return value;
  const trimmed = value.replace(/0+$/, '');
  return trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
}

/** Compares two decimal strings that match DECIMAL_PATTERN: -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const fa = af.padEnd(width, '0');
  const fb = bf.padEnd(width, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}
