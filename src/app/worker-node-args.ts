/**
 * Node flags for worker processes. The young generation is capped at 16 MiB semi-spaces. Against
 * 32 MiB: peak RSS 20–60 MiB lower (one job per trade: 209–217 vs 229–280 MiB, within the
 * 256 MiB goal), packed drains the same, and one job per trade spends more of its CPU in GC
 * (19% vs 13% of the profile), a cost the drain rate's run-to-run noise hides.
 */
export const WORKER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=16'];
