/**
 * Node flags for worker processes. The young generation is capped at 16 MiB semi-spaces: with 32
 * the drain's CPU per trade was the same within noise (3 runs each, one job per trade and
 * packed), and peak RSS was 20–60 MiB higher (one job per trade: 229–280 vs 209–217 MiB).
 */
export const WORKER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=16'];
