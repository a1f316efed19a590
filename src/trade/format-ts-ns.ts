const TS_NS = /^\d{1,19}$/;

/** `ts_ns` (nanoseconds since the epoch, as text) as UTC ISO-8601 with all nine digits: `2025-11-22T01:46:40.123456789Z`. */
export function formatTsNs(tsNs: string): string {
  if (!TS_NS.test(tsNs)) return tsNs;
  const ns = BigInt(tsNs);
  const seconds = ns / 1_000_000_000n;
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0');
  const whole = new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  return `${whole}.${fraction}Z`;
}
