/**
 * Node flags for worker processes. A larger young generation cuts scavenge time for the sink's
 * many short-lived objects (measured: packed drain 13.9k → 19.7k trades/s on the 2-core box).
 */
export const WORKER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=32'];
