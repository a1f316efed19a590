/**
 * Node flags for worker processes, measured with `npm run bench` (2-core VM, back to back):
 * - `--max-semi-space-size=16`: young generation capped at 16 MiB semi-spaces. Against 32 MiB,
 *   one job per trade peaked 20–60 MiB lower; packed drains the same.
 * - `--heap-growing-percent=75`: V8 grows the old generation by at most 75% past the live heap
 *   before the next full GC, instead of up to 4×. A worker's live heap is about 50 MiB, but
 *   short-lived job objects survive a few scavenges and land in the old generation, so with the
 *   dynamic factor the heap reached 200+ MiB between full GCs. Peak RSS: packed 335–347 →
 *   232–249 MiB, one job per trade 258–263 → 177–201 MiB; drain rates unchanged within noise,
 *   about 10% more CPU per one-job trade spent in GC. Unlike a heap cap, it never makes a
 *   worker with a larger live heap run out of memory.
 */
export const WORKER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=16', '--heap-growing-percent=75'];
