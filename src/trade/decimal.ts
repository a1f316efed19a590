/**
 * The one decimal module. Exact decimal strings: up to 18 integer digits and 12 fraction digits,
 * no sign, no exponent, no leading zeros. They map one to one onto ClickHouse `Decimal(38, 12)`;
 * floats never appear. Below: their patterns and comparison; arithmetic in doubles while every
 * integer stays safe (the orders' hot path); and exact arithmetic in BigInt (everything else, and
 * the reference the double path is checked against).
 */
export const DECIMAL_PATTERN = /^(0|[1-9][0-9]{0,17})(\.[0-9]{1,12})?$/;

/** DECIMAL_PATTERN without zero ("0", "0.000"): one regex, so validation stays cheap. */
export const POSITIVE_DECIMAL_PATTERN = /^(?:0\.(?=[0-9]*[1-9])[0-9]{1,12}|[1-9][0-9]{0,17}(?:\.[0-9]{1,12})?)$/;

/** Strips trailing fraction zeros: "1.500" → "1.5", "2.000" → "2" (as fromScaled prints a value). */
export function normalizeDecimal(value: string): string {
  let end = value.length;
  if (value.charCodeAt(end - 1) !== 48 || value.indexOf('.') < 0) return value;
  while (value.charCodeAt(end - 1) === 48) end -= 1;
  if (value.charCodeAt(end - 1) === 46) end -= 1;
  return value.slice(0, end);
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

// --- Arithmetic in doubles ---

/**
 * Decimal strings as integers in doubles: `units` × 10^-scale, exact while every integer stays
 * ≤ Number.MAX_SAFE_INTEGER (2^53 − 1). A double holds such integers, and the sum, product or
 * remainder of two of them, exactly whenever the true result is ≤ 2^53; a result past that is
 * rounded to ≥ 2^53, so checking the rounded result against MAX_SAFE tells exact from not.
 */
export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * 10^0 … 10^24, for rescaling by up to 24 places (price × qty scales). Past 10^22 they are not
 * exact doubles, but any non-zero integer times them is past MAX_SAFE anyway, so never trusted.
 */
export const POW10: readonly number[] = Array.from({ length: 25 }, (_, i) => 10 ** i);

/**
 * Reads canonical decimal strings (DECIMAL_PATTERN: plain digits, no leading zero, at most one
 * inner dot, at most 12 fraction digits) whose digits make at most MAX_SAFE: "123.45" → units
 * 12345, scale 2. One reader is reused, so reading allocates nothing.
 */
export class DecimalReader {
  units = 0;
  scale = 0;

  /** False when the value is not such a decimal (the caller then falls back to BigInt). */
  read(value: string): boolean {
    const length = value.length;
    if (length === 0 || (length > 1 && value.charCodeAt(0) === 48 && value.charCodeAt(1) !== 46)) return false;
    let units = 0;
    let dot = -1;
    for (let i = 0; i < length; i++) {
      const c = value.charCodeAt(i);
      if (c === 46) {
        if (dot >= 0 || i === 0 || i === length - 1) return false;
        dot = i;
      } else if (c >= 48 && c <= 57) {
        units = units * 10 + (c - 48); // once past MAX_SAFE it stays past it: checked once below
      } else {
        return false;
      }
    }
    const scale = dot < 0 ? 0 : length - dot - 1;
    if (scale > 12 || units > MAX_SAFE) return false;
    this.units = units;
    this.scale = scale;
    return true;
  }
}

/**
 * int + frac × 10^-scale as fromScaled prints it: trailing fraction zeros dropped, no exponent
 * (both safe integers, frac < 10^scale). Trailing zeros are divided off first, so the digits
 * are usually small integers, which print fastest.
 */
export function formatDecimal(int: number, frac: number, scale: number): string {
  if (frac === 0) return String(int);
  let digits = scale;
  while (frac % 10 === 0) {
    frac /= 10;
    digits -= 1;
  }
  const text = String(frac);
  return text.length === digits ? `${int}.${text}` : `${int}.${'0'.repeat(digits - text.length)}${text}`;
}

/** a / 10^k rounded half to even, for safe a ≥ 0 and 0 ≤ k ≤ 22 (every step exact). */
export function divPow10HalfEven(a: number, k: number): number {
  if (k === 0) return a;
  const d = POW10[k] as number;
  const r = a % d;
  const q = (a - r) / d;
  const twice = 2 * r;
  return twice > d || (twice === d && q % 2 === 1) ? q + 1 : q;
}

/** Compares two digit strings without leading zeros (timestamps): -1, 0 or 1. */
export function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

// --- Exact arithmetic on BigInt values scaled by 10^scale ---

export const SCALE = 12;
const TEN = 10n;

/** "123.45" → 123450000000000n at scale 12. Input must already be a validated decimal string. */
export function toScaled(value: string, scale = SCALE): bigint {
  const dot = value.indexOf('.');
  const int = dot < 0 ? value : value.slice(0, dot);
  const frac = dot < 0 ? '' : value.slice(dot + 1);
  return BigInt(int + frac.padEnd(scale, '0').slice(0, scale));
}

/** 123450000000000n at scale 12 → "123.45" (trailing zeros dropped, no exponent). */
export function fromScaled(value: bigint, scale = SCALE): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** a / b rounded half to even (banker's rounding); b must be positive. */
export function divRoundHalfEven(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice < b) return q;
  const away = a < 0n ? q - 1n : q + 1n;
  if (twice > b) return away;
  return q % 2n === 0n ? q : away;
}

/** Rescales a value from `from` to `to` decimal places, rounding half to even when it shrinks. */
export function rescale(value: bigint, from: number, to: number): bigint {
  return to >= from ? value * TEN ** BigInt(to - from) : divRoundHalfEven(value, TEN ** BigInt(from - to));
}
