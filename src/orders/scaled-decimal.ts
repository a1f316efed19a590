/** Exact decimal arithmetic on BigInt values scaled by 10^scale (no floats anywhere). */
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
