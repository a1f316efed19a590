import type { AuditLog } from '../../src/audit/audit-log.js';
import type { Logger } from '../../src/logger.js';
import type { Config } from '../../src/config/index.js';
import { SupervisorError } from '../../src/errors/index.js';
import type { DesiredState } from '../../src/supervisor/desired-state.js';
import { resolveScaleTarget, type ScalableUnit } from '../../src/supervisor/scalable-units.js';
import { errorResponse, type DashboardHandler } from '../http/handler.js';
import { TRADE_ID, type TradeLocator } from '../ops/trade-locator.js';
import { readOpsStatus, type OpsDeps } from '../ops/read-ops-status.js';

/** GET /ops/api/status: pipeline health, processes per queue, plot history. */
export function opsStatusHandler(deps: OpsDeps): DashboardHandler {
  return async () => ({ status: 200, json: await readOpsStatus(deps) });
}

/**
 * POST /ops/api/scale `{ queue, processes, partitions? }` (operators only): the desired number,
 * shared with every supervisor. `queue` is a unit (`trades.3`, `trades-dlq`) or the trades queue
 * as a whole (every partition, or those of `partitions`, e.g. `"0-1"`), as `trade-sync scale` takes it.
 */
export function scaleHandler(deps: { desired: DesiredState; config: Config; audit: AuditLog; log: Logger }): DashboardHandler {
  return async (req) => {
    const body = (req.body ?? {}) as { queue?: unknown; processes?: unknown; partitions?: unknown };
    if (typeof body.queue !== 'string') return errorResponse(400, 'queue must be a queue name');
    if (body.partitions !== undefined && typeof body.partitions !== 'string') return errorResponse(400, 'partitions must be a list such as "0-1,3"');
    let units: ScalableUnit[];
    try {
      units = resolveScaleTarget(deps.config, body.queue, body.partitions);
    } catch (err) {
      if (err instanceof SupervisorError) return errorResponse(400, err.message);
      throw err;
    }
    if (typeof body.processes !== 'number' || !Number.isInteger(body.processes) || body.processes < 0 || body.processes > 999) {
      return errorResponse(400, 'processes must be an integer from 0 to 999');
    }
    const names = units.map((u) => u.name);
    await deps.desired.setMany(names, body.processes);
    const detail = `${body.processes} process(es) per supervisor host${names.length > 1 ? ' each' : ''}`;
    await deps.audit.record({ user: req.session?.user ?? '?', role: req.session?.role ?? '?', action: 'scale', target: names.join(', '), detail, via: 'dashboard' });
    deps.log.info({ user: req.session?.user, queues: names, processes: body.processes }, 'scaled from the ops page');
    return { status: 200, json: { queue: body.queue, queues: names, processes: body.processes } };
  };
}

/** GET /ops/api/trades/:id: where that trade is now. */
export function findTradeHandler(locator: TradeLocator): DashboardHandler {
  return async (req) => {
    const id = (req.params.id ?? '').trim();
    if (!TRADE_ID.test(id)) return errorResponse(400, 'a trade id is a UUID, e.g. 0b6f3c1e-4a59-4d3f-9a57-1f0c2b7d9e11');
    return { status: 200, json: await locator.locate(id) };
  };
}
