/**
 * Why `sentAtNs` (nanoseconds since the epoch, a decimal string) is outside ± `windowMs` of
 * `nowMs`, or undefined when it is inside. Compared in BigInt nanoseconds, so nothing is rounded.
 */
export function replayWindowError(sentAtNs: string, nowMs: number, windowMs: number): string | undefined {
  const now = BigInt(Math.trunc(nowMs)) * 1_000_000n;
  const skewNs = BigInt(sentAtNs) - now;
  const windowNs = BigInt(windowMs) * 1_000_000n;
  if (skewNs >= -windowNs && skewNs <= windowNs) return undefined;
  const skewMs = Number(skewNs / 1_000_000n);
  return `sent_at_ns is ${Math.abs(skewMs)} ms ${skewMs < 0 ? 'in the past' : 'in the future'}; the window is ±${windowMs} ms (check the sender's clock, and sign each request just before sending it)`;
}
