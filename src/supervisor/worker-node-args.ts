/**
 * Node flags for worker processes, measured with `npm run bench` (2-core VM, back to back):
 * - `--max-semi-space-size=24`: young generation capped at 24 MiB semi-spaces. A sink worker's
 *   trades live for a batch or two (hundreds of ms), so most of them survive a scavenge and are
 *   copied; larger semi-spaces mean fewer scavenges. With signed packs, A/B back to back (CPU per
 *   trade one job per trade / packed; peak RSS one job per trade / packed):
 *   16 MiB: 146–155 / 22.2–23.1 µs, 167 / 198–207 MiB;
 *   24 MiB: 136–138 / 19.6–20.9 µs, 200–205 / 232–235 MiB;
 *   32 MiB: 145–147 / 19.5–19.8 µs, 203–208 / 224–243 MiB (and 261 MiB in one full run, over the
 *   256 MiB goal). 64 MiB saved no more CPU and put packed RSS at 307–328 MiB.
 * - `--heap-growing-percent=75`: V8 grows the old generation by at most 75% past the live heap
 *   before the next full GC, instead of up to 4×. A worker's live heap is about 50 MiB, but
 *   short-lived job objects survive a few scavenges and land in the old generation, so with the
 *   dynamic factor the heap reached 200+ MiB between full GCs. Peak RSS: packed 335–347 →
 *   232–249 MiB, one job per trade 258–263 → 177–201 MiB; drain rates unchanged within noise,
 *   about 10% more CPU per one-job trade spent in GC. Unlike a heap cap, it never makes a
 *   worker with a larger live heap run out of memory.
 */
export const WORKER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=24', '--heap-growing-percent=75'];
