import type { Queue } from 'bullmq';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuditLog } from '../../src/audit/audit-log.js';
import type { Logger } from '../../src/logger.js';
import type { Session } from '../auth/session-store.js';
import { boardAction } from '../board/board-action.js';

/**
 * Records every Bull Board mutation that succeeds (retry, retry all, clean, …) in the audit trail
 * with the session's user and role. For a whole-queue action on a known queue, the number of jobs
 * of that status is read first, so the entry says how many were retried or cleaned.
 */
export function auditBoardActions(audit: AuditLog, queues: readonly Queue[], log: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const action = boardAction(req.method, req.path);
    if (action === undefined) return next();
    const session = res.locals.session as Session | undefined;
    const queue = queues.find((q) => q.name === action.queue);
    const counted: Promise<number | undefined> =
      action.jobId === undefined && action.status !== undefined && queue !== undefined
        ? queue.getJobCountByTypes(action.status as 'failed').catch(() => undefined)
        : Promise.resolve(undefined);
    void counted.then((count) => {
      res.on('finish', () => {
        if (res.statusCode >= 400) return;
        const detail = [action.status === undefined ? '' : `status ${action.status}`, count === undefined ? '' : `${count} job${count === 1 ? '' : 's'}`].filter((s) => s !== '').join(', ');
        audit
          .record({ user: session?.user ?? '?', role: session?.role ?? '?', action: action.action, target: action.jobId === undefined ? action.queue : `${action.queue}/${action.jobId}`, detail, via: 'dashboard' })
          .catch((err: unknown) => log.error({ err: (err as Error).message, action: action.action }, 'audit entry not written'));
      });
      next();
    });
  };
}
