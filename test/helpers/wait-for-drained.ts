import type { Queue } from 'bullmq';
import { waitFor } from './wait-for.js';

/** Jobs still to be processed: waiting, active, delayed or prioritized. */
export async function pendingJobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Waits until `queue` has no job waiting, active, delayed or prioritized. */
export async function waitForDrained(queue: Queue, timeoutMs = 30_000): Promise<void> {
  await waitFor(() => pendingJobs(queue), (n) => n === 0, timeoutMs, `queue "${queue.name}" drained`);
}
