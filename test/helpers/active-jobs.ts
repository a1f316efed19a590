import type { Queue } from 'bullmq';

/** An active job and the worker process that took it. */
export interface ActiveJob {
  readonly queue: Queue;
  readonly id: string;
  /** Pid of the worker process that took it (from BullMQ's `processedBy`, the worker name `host:pid`), or -1. */
  readonly pid: number;
}

/** The pid in a trade-sync worker name (`host:pid`), or -1. */
export function pidOfWorkerName(name: string | undefined): number {
  const pid = Number(name?.slice(name.lastIndexOf(':') + 1));
  return Number.isInteger(pid) && pid > 0 ? pid : -1;
}

/** Every job active in `queues` now, with the pid of its worker. */
export async function activeJobs(queues: readonly Queue[]): Promise<ActiveJob[]> {
  const perQueue = await Promise.all(
    queues.map(async (queue) => (await queue.getJobs(['active'])).map((job) => ({ queue, id: job.id ?? '', pid: pidOfWorkerName(job.processedBy) }))),
  );
  return perQueue.flat();
}

/** Where each of `jobs` is now: its state and the pid of the worker that last took it. */
export async function jobOutcomes(jobs: readonly ActiveJob[]): Promise<{ id: string; state: string; pid: number }[]> {
  return Promise.all(
    jobs.map(async ({ queue, id }) => {
      const job = await queue.getJob(id);
      return { id, state: job === undefined ? 'removed' : await job.getState(), pid: pidOfWorkerName(job?.processedBy) };
    }),
  );
}
