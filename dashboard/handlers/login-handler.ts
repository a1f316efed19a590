import type { DashboardUser } from '../../src/config/index.js';
import type { Logger } from '../../src/logger.js';
import type { LoginRateLimiter } from '../auth/login-rate-limiter.js';
import { DUMMY_HASH_PROMISE, verifyPassword } from '../auth/password-hash.js';
import type { SessionStore } from '../auth/session-store.js';
import type { DashboardHandler, DashboardResponse } from '../http/handler.js';
import { clearedSessionCookie, sessionCookie } from '../http/session-cookie.js';
import { loginPage } from '../pages/login-page.js';

export interface LoginDeps {
  readonly users: readonly DashboardUser[];
  readonly sessions: SessionStore;
  readonly limiter: LoginRateLimiter;
  readonly sessionTtlMs: number;
  readonly secure: boolean;
  readonly log: Logger;
}

/** Where to go after login: a local path only (never `//host` or a URL), else the board. */
export function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])[^\s]*$/.test(next) && next !== '/login' ? next : '/board';
}

const field = (body: unknown, name: string): string => {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

export function loginFormHandler(): DashboardHandler {
  return (req) => (req.session !== undefined ? { status: 303, redirect: safeNext(req.query.next) } : { status: 200, html: loginPage({ next: safeNext(req.query.next) }) });
}

/** POST /login: rate limit, verify (same cost for unknown users), create the session, set the cookie. */
export function loginHandler(deps: LoginDeps): DashboardHandler {
  return async (req): Promise<DashboardResponse> => {
    const user = field(req.body, 'user').slice(0, 64);
    const password = field(req.body, 'password').slice(0, 1024);
    const next = safeNext(field(req.body, 'next') || undefined);
    const allowance = await deps.limiter.check(user, req.ip);
    if (!allowance.allowed) {
      deps.log.warn({ user, ip: req.ip }, 'login rate-limited');
      return { status: 429, headers: { 'retry-after': String(allowance.retryAfterSeconds) }, html: loginPage({ next, user, error: `Too many failed logins; try again in ${allowance.retryAfterSeconds} s.` }) };
    }
    const account = deps.users.find((u) => u.name === user);
    const ok = await verifyPassword(password, account?.passwordHash ?? (await DUMMY_HASH_PROMISE));
    if (account === undefined || !ok) {
      await deps.limiter.failed(user, req.ip);
      deps.log.warn({ user, ip: req.ip }, 'login failed');
      return { status: 401, html: loginPage({ next, user, error: 'Wrong user name or password.' }) };
    }
    await deps.limiter.succeeded(user, req.ip);
    if (req.sessionId !== undefined) await deps.sessions.destroy(req.sessionId);
    const id = await deps.sessions.create(account.name, account.role);
    deps.log.info({ user: account.name, role: account.role, ip: req.ip }, 'login');
    return { status: 303, redirect: next, headers: { 'set-cookie': sessionCookie(id, deps.sessionTtlMs, deps.secure) } };
  };
}

/** GET or POST /logout: ends the session and clears the cookie. */
export function logoutHandler(deps: Pick<LoginDeps, 'sessions' | 'secure' | 'log'>): DashboardHandler {
  return async (req) => {
    if (req.sessionId !== undefined) await deps.sessions.destroy(req.sessionId);
    if (req.session !== undefined) deps.log.info({ user: req.session.user }, 'logout');
    return { status: 303, redirect: '/login', headers: { 'set-cookie': clearedSessionCookie(deps.secure) } };
  };
}
