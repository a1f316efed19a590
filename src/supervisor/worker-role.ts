/** What a worker process runs: the trades consumer (`sink`), the dead-letter redrive consumer, or both. */
export type WorkerRole = 'sink' | 'redrive' | 'all';
