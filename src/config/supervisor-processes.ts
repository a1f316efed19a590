import { ConfigError } from '../errors/index.js';

const QUEUE = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Parses TRADE_SYNC_SUPERVISOR_PROCESSES, `queue:n,queue2:m` — the worker processes per queue a
 * supervisor seeds into Redis when no desired state is stored there yet. Missing queues get
 * `defaults`.
 */
export function parseSupervisorProcesses(text: string, defaults: Readonly<Record<string, number>>): Readonly<Record<string, number>> {
  const result: Record<string, number> = { ...defaults };
  for (const entry of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = entry.lastIndexOf(':');
    const queue = entry.slice(0, at);
    const count = entry.slice(at + 1);
    if (at < 1 || !QUEUE.test(queue) || !/^\d{1,3}$/.test(count)) {
      throw new ConfigError(`TRADE_SYNC_SUPERVISOR_PROCESSES: "${entry}" must be queue:count (count 0-999)`);
    }
    result[queue] = Number(count);
  }
  return result;
}
