import { InvalidArgumentError } from 'commander';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Commander parser for a duration: `90s`, `10m`, `1h`, `1d`, `500ms`; returns milliseconds (> 0). */
export function parseDuration(value: string): number {
  const match = /^(\d{1,9})(ms|s|m|h|d)$/.exec(value.trim());
  const ms = match === null ? 0 : Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
  if (ms <= 0) throw new InvalidArgumentError('must be a duration like 30s, 10m, 1h or 1d');
  return ms;
}
