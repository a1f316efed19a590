import type { ClickHouseClient } from '@clickhouse/client';
import type { Queue } from 'bullmq';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { RedisClient } from '../queues/redis-connection.js';
import { fileURLToPath } from 'node:url';
import { AuditLog } from '../src/audit/audit-log.js';
import type { Config } from '../src/config/index.js';
import type { Logger } from '../src/logger.js';
import { DesiredState } from '../src/supervisor/desired-state.js';
import { scalableUnits } from '../src/supervisor/scalable-units.js';
import { readWorkerHeartbeats } from '../src/lifecycle/worker-heartbeat.js';
import { LoginRateLimiter } from './auth/login-rate-limiter.js';
import { RedisSessionStore, type Session } from './auth/session-store.js';
import { RoleBoards } from './board/role-boards.js';
import { loginFormHandler, loginHandler, logoutHandler } from './handlers/login-handler.js';
import { findTradeHandler, opsStatusHandler, scaleHandler } from './handlers/ops-handlers.js';
import { auditBoardActions } from './http/audit-board-actions.js';
import { route } from './http/handler.js';
import { sameOriginGuard } from './http/same-origin-guard.js';
import { loadSession, readOnlyUnlessOperator, requireLogin } from './http/session-middleware.js';
import { OpsHistory } from './ops/ops-history.js';
import { TradeLocator } from './ops/trade-locator.js';
import { opsPage } from './pages/ops-page.js';

export interface DashboardDeps {
  readonly config: Config;
  /** A non-blocking connection (`createRedisConnection(config, 'producer')`): sessions, rate limits, status. */
  readonly redis: RedisClient;
  /** Every partition's trades queue, index = partition number (createTradeQueues). */
  readonly trades: readonly Queue[];
  readonly dlq: Queue;
  /** For the health tile and find-a-trade (reads with FINAL). */
  readonly clickhouse: ClickHouseClient;
  readonly log: Logger;
  /** Plot samples; the caller starts it. @defaultValue an OpsHistory that is never sampled */
  readonly history?: OpsHistory;
  /** Serve the session cookie as `Secure` (`__Host-` name). @defaultValue true when TLS is configured */
  readonly secureCookie?: boolean;
}

export const BOARD_PATH = '/board';
const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const OPS_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The dashboard as an Express app (no listening socket, so tests drive it with supertest):
 * login, sessions, CSRF guard, Bull Board per role at /board, the operations page at /ops and
 * its JSON API under /ops/api.
 */
export function createDashboard(deps: DashboardDeps): { app: Express; boards: RoleBoards; history: OpsHistory } {
  const { config, redis, log } = deps;
  const d = config.dashboard;
  const secure = deps.secureCookie ?? d.tls !== undefined;
  const keyPrefix = `${config.redis.prefix}:${config.queues.layout.stateName}`;
  const sessions = new RedisSessionStore(redis, keyPrefix, d.sessionTtlMs);
  const limiter = new LoginRateLimiter(redis, keyPrefix, d.loginMaxFailures, d.loginWindowMs);
  const history = deps.history ?? new OpsHistory(() => readWorkerHeartbeats(redis, config.redis.prefix, config.queues.layout.stateName));
  // Bull Board lists each partition's queue under its unit name (`trades.3`, not `{trades.3}`), and the DLQ under its configured name.
  const displayNames = new Map(scalableUnits(config).map((u) => [u.bullQueue, u.name]));
  const boardQueues = [...deps.trades, deps.dlq];
  const boards = new RoleBoards({ basePath: BOARD_PATH, queues: boardQueues, displayNames, title: 'trade-sync', dlq: deps.dlq.name });
  const audit = new AuditLog(redis, config.redis.prefix, config.queues.layout.stateName);
  const opsDeps = { config, redis, trades: deps.trades, dlq: deps.dlq, clickhouse: deps.clickhouse, history, audit };
  const httpLog = log.child({ component: 'dashboard' });
  const locator = new TradeLocator({ trades: deps.trades, dlq: deps.dlq, clickhouse: deps.clickhouse, database: config.clickhouse.database, spillDir: config.spill.enabled ? config.spill.dir : undefined, audit });

  const app = express();
  app.disable('x-powered-by');
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin');
    if (secure) res.setHeader('strict-transport-security', 'max-age=31536000');
    next();
  });
  app.get('/healthz', (_req, res) => void res.type('text').send('ok\n'));
  app.use(sameOriginGuard(d.origin));
  app.use('/ops/static', express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));
  app.use(loadSession(sessions, secure));
  const noStore = (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('cache-control', 'no-store');
    next();
  };
  app.use(noStore);

  const loginDeps = { users: d.users, sessions, limiter, sessionTtlMs: d.sessionTtlMs, secure, log: httpLog };
  app.get('/login', (_req, res, next) => {
    res.setHeader('content-security-policy', OPS_CSP);
    next();
  }, route(loginFormHandler()));
  app.post('/login', express.urlencoded({ extended: false, limit: '4kb' }), route(loginHandler(loginDeps)));
  app.get('/logout', route(logoutHandler(loginDeps)));
  app.post('/logout', route(logoutHandler(loginDeps)));
  app.get('/', (_req, res) => res.redirect(302, BOARD_PATH));

  app.use(BOARD_PATH, requireLogin, readOnlyUnlessOperator, auditBoardActions(audit, boardQueues, httpLog), boards.handler());

  app.get('/ops', requireLogin, (_req, res) => {
    res.setHeader('content-security-policy', OPS_CSP);
    res.type('html').send(opsPage(res.locals.session as Session, BOARD_PATH));
  });
  app.get('/ops/api/status', requireLogin, route(opsStatusHandler(opsDeps)));
  app.get('/ops/api/trades/:id', requireLogin, route(findTradeHandler(locator)));
  app.post(
    '/ops/api/scale',
    requireLogin,
    readOnlyUnlessOperator,
    express.json({ limit: '4kb' }),
    route(scaleHandler({ desired: new DesiredState(redis, config.redis.prefix, config.queues.layout.stateName), config, audit, log: httpLog })),
  );
  app.use((_req: Request, res: Response) => void res.status(404).json({ error: 'not found' }));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    if (status >= 500) httpLog.error({ err: (err as Error).message }, 'dashboard request failed');
    res.status(status).json({ error: status >= 500 ? 'internal error' : (err as Error).message });
  });
  return { app, boards, history };
}

/** The dashboard's Express app (see createDashboard). */
export function createDashboardApp(deps: DashboardDeps): Express {
  return createDashboard(deps).app;
}
