/**
 * Node flags for worker processes, measured with `npm run bench` (2-core VM, back to back):
 * - `--max-semi-space-size=32`: young generation capped at 32 MiB semi-spaces. A sink worker's
 *   trades live for a batch or two (hundreds of ms), so most of them survive a scavenge and are
 *   copied; larger semi-spaces mean fewer scavenges. Against 16 MiB (with signed packs): CPU per
 *   trade one job per trade 118–119 → 103–110 µs, packed 16.0–17.4 → 15.9–16.4 µs; peak RSS
 *   one job per trade 169–171 → 210–211 MiB, packed 193–204 → 240–247 MiB. 64 MiB saved no more
 *   CPU and put packed RSS at 307–328 MiB.
 * - `--heap-growing-percent=75`: V8 grows the old generation by at most 75% past the live heap
 *   before the next full GC, instead of up to 4×. A worker's live heap is about 50 MiB, but
 *   short-lived job objects survive a few scavenges and land in the old generation, so with the
 *   dynamic factor the heap reached 200+ MiB between full GCs. Peak RSS: packed 335–347 →
 *   232–249 MiB, one job per trade 258–263 → 177–201 MiB; drain rates unchanged within noise,
 *   about 10% more CPU per one-job trade spent in GC. Unlike a heap cap, it never makes a
 *   worker with a larger live heap run out of memory.
 */
export const WORKER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=32', '--heap-growing-percent=75'];
