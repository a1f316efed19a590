import type { Queue } from 'bullmq';

/** Jobs not yet finished: waiting (or paused), active, delayed, prioritized, waiting for children. */
export { pendingJobs } from '../../queues/pending-jobs.js';

/** Every job the queue holds in any state (a DLQ must have none after a clean run). */
export async function allJobs(queue: Queue): Promise<number> {
  const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed');
  return Object.values(c).reduce((a, b) => a + b, 0);
}

export async function failedJobs(queue: Queue): Promise<number> {
  return queue.getFailedCount();
}
