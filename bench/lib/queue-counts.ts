import type { Queue } from 'bullmq';

/** Jobs not yet finished: waiting (or paused), active, delayed, prioritized. */
export async function pendingJobs(queue: Queue): Promise<number> {
  const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
  return Object.values(c).reduce((a, b) => a + b, 0);
}

/** Every job the queue holds in any state (a DLQ must have none after a clean run). */
export async function allJobs(queue: Queue): Promise<number> {
  const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed');
  return Object.values(c).reduce((a, b) => a + b, 0);
}

export async function failedJobs(queue: Queue): Promise<number> {
  return queue.getFailedCount();
}
