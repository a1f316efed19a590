import type { AuditLog } from '../../src/audit/audit-log.js';
import type { Logger } from '../../src/logger.js';
import type { DesiredState } from '../../src/supervisor/desired-state.js';
import { errorResponse, type DashboardHandler } from '../http/handler.js';
import { TRADE_ID, type TradeLocator } from '../ops/trade-locator.js';
import { readOpsStatus, type OpsDeps } from '../ops/read-ops-status.js';

/** GET /ops/api/status: pipeline health, processes per queue, plot history. */
export function opsStatusHandler(deps: OpsDeps): DashboardHandler {
  return async () => ({ status: 200, json: await readOpsStatus(deps) });
}

/** POST /ops/api/scale `{ queue, processes }` (operators only): the desired number, shared with every supervisor. */
export function scaleHandler(deps: { desired: DesiredState; queues: ReadonlyMap<string, string>; audit: AuditLog; log: Logger }): DashboardHandler {
  return async (req) => {
    const body = (req.body ?? {}) as { queue?: unknown; processes?: unknown };
    if (typeof body.queue !== 'string' || !deps.queues.has(body.queue)) return errorResponse(400, `queue must be one of: ${[...deps.queues.keys()].join(', ')}`);
    if (typeof body.processes !== 'number' || !Number.isInteger(body.processes) || body.processes < 0 || body.processes > 999) {
      return errorResponse(400, 'processes must be an integer from 0 to 999');
    }
    await deps.desired.set(body.queue, body.processes);
    await deps.audit.record({ user: req.session?.user ?? '?', role: req.session?.role ?? '?', action: 'scale', target: body.queue, detail: `${body.processes} process(es) per supervisor host`, via: 'dashboard' });
    deps.log.info({ user: req.session?.user, queue: body.queue, processes: body.processes }, 'scaled from the ops page');
    return { status: 200, json: { queue: body.queue, processes: body.processes } };
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
