import type { RedisClient } from '../../queues/redis-connection.js';
import type { Report } from './report.js';
import { cpuSecondsOf } from '../../test/helpers/redis-node-cpu.js';

/** used_cpu_sys + used_cpu_user of the Redis server (INFO cpu), in seconds; undefined when it does not say. */
async function redisCpuSeconds(redis: RedisClient): Promise<number | undefined> {
  try {
    return cpuSecondsOf(await redis.info('cpu'));
  } catch {
    return undefined;
  }
}

/**
 * CPU the Redis server spends per item over a phase. Redis shares the box with the workers, so
 * its cost per job (BullMQ's scripts, order staging) is part of what a drain costs. Counts all
 * clients of that server: run the bench where nothing else uses it.
 */
export async function startRedisCpuMeter(redis: RedisClient): Promise<(report: Report, items: number, unit: 'trade' | 'job') => Promise<void>> {
  const before = await redisCpuSeconds(redis);
  return async (report, items, unit) => {
    const after = await redisCpuSeconds(redis);
    if (before === undefined || after === undefined || items <= 0) return;
    report.figure('redis-cpu', `Redis CPU per ${unit} during the drain (user + sys)`, ((after - before) * 1e6) / items, `µs/${unit}`);
  };
}
