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

/** Compares two decimal strings that match DECIMAL_PATTERN: -1, 0 or 1. Allocates nothing (hot path). */
export function compareDecimal(a: string, b: string): number {
  const aDot = a.indexOf('.');
  const bDot = b.indexOf('.');
  const aInt = aDot < 0 ? a.length : aDot;
  const bInt = bDot < 0 ? b.length : bDot;
  if (aInt !== bInt) return aInt < bInt ? -1 : 1; // no leading zeros: a longer integer part is larger
  for (let i = 0; i < aInt; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  const aFrac = aDot < 0 ? 0 : a.length - aDot - 1;
  const bFrac = bDot < 0 ? 0 : b.length - bDot - 1;
  for (let i = 0, n = Math.max(aFrac, bFrac); i < n; i++) {
    const d = (i < aFrac ? a.charCodeAt(aDot + 1 + i) : 48) - (i < bFrac ? b.charCodeAt(bDot + 1 + i) : 48);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
