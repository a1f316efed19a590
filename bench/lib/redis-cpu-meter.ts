import type { RedisClient } from '../../queues/redis-connection.js';
import type { Report } from './report.js';

/** used_cpu_sys + used_cpu_user of the Redis server (INFO cpu), in seconds. */
async function redisCpuSeconds(redis: RedisClient): Promise<number | undefined> {
  const info = await redis.info('cpu');
  let total = 0;
  let seen = 0;
  for (const line of info.split(/\r?\n/)) {
    const match = /^used_cpu_(sys|user):([0-9.]+)$/.exec(line);
    if (match?.[2] !== undefined) {
      total += Number(match[2]);
      seen += 1;
    }
  }
  return seen === 2 ? total : undefined;
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
