import { ReconcileError } from '../errors/index.js';

/** A half-open window [fromNs, toNs) on `ts_ns` (nanoseconds since the epoch, UTC). */
export interface ReconcileWindow {
  readonly fromNs: bigint;
  readonly toNs: bigint;
}

const MAX_NS = 18_446_744_073_709_551_615n;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** `2026-12-05T00:00:00Z` (UTC unless an offset is given; fractions to the nanosecond) or integer nanoseconds. */
export function parseTimeNs(text: string, option: string): bigint {
  const value = text.trim();
  if (/^\d{1,20}$/.test(value)) {
    const ns = BigInt(value);
    if (ns <= MAX_NS) return ns;
  } else if (ISO_UTC.test(value)) {
    const fraction = /\.(\d{1,9})/.exec(value)?.[1] ?? '';
    const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value.length === 10 ? `${value}T00:00:00` : value}Z`;
    const ms = Date.parse(zoned.replace(/\.\d{1,9}/, ''));
    if (Number.isFinite(ms) && ms >= 0) return BigInt(ms) * 1_000_000n + BigInt(fraction.padEnd(9, '0') || '0');
  }
  throw new ReconcileError('RECONCILE_WINDOW_INVALID', `${option} ${text}: give an ISO-8601 time (2026-12-05T00:00:00Z, UTC unless an offset is given) or nanoseconds since the epoch`);
}

/** Parses and checks `--from` and `--to`: from must come before to. */
export function parseWindow(from: string, to: string): ReconcileWindow {
  const fromNs = parseTimeNs(from, '--from');
  const toNs = parseTimeNs(to, '--to');
  if (fromNs >= toNs) throw new ReconcileError('RECONCILE_WINDOW_INVALID', `--from ${from} is not before --to ${to}: the window is empty`);
  return { fromNs, toNs };
}

/** The last window of `everyNs` that closed at least `delayNs` ago (aligned to multiples of everyNs). */
export function lastClosedWindow(nowNs: bigint, everyNs: bigint, delayNs: bigint): ReconcileWindow {
  const toNs = ((nowNs - delayNs) / everyNs) * everyNs;
  return { fromNs: toNs - everyNs, toNs };
}

/** ISO-8601 text of a nanosecond time (millisecond precision, plus the rest when not whole). */
export function formatNs(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  const rest = ns % 1_000_000n;
  return rest === 0n ? iso : iso.replace('Z', `${rest.toString().padStart(6, '0')}Z`);
}
