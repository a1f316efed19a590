import type { NextFunction, Request, Response } from 'express';
import type { SessionStore } from '../auth/session-store.js';
import { readCookie, sessionCookieName } from './session-cookie.js';

/** Loads the session named by the cookie into `res.locals.session` (and its id into `res.locals.sessionId`). */
export function loadSession(store: SessionStore, secure: boolean) {
  const name = sessionCookieName(secure);
  return (req: Request, res: Response, next: NextFunction): void => {
    const id = readCookie(req.get('cookie'), name);
    if (id === undefined) return next();
    store.get(id).then((session) => {
      if (session !== undefined) {
        res.locals.session = session;
        res.locals.sessionId = id;
      }
      next();
    }, next);
  };
}

/** No session: a page request is redirected to /login (coming back afterwards), anything else answers 401. */
export function requireLogin(req: Request, res: Response, next: NextFunction): void {
  if (res.locals.session !== undefined) return next();
  const wantsPage = req.method === 'GET' && !req.originalUrl.includes('/api/') && (req.get('accept') ?? '').includes('text/html');
  if (wantsPage) return res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl)}`);
  res.status(401).json({ error: 'login required' });
}

/** Operators only for anything but reads: a viewer's mutation answers 403 whatever the UI shows. */
export function readOnlyUnlessOperator(req: Request, res: Response, next: NextFunction): void {
  const role = (res.locals.session as { role?: string } | undefined)?.role;
  if (role === 'operator' || req.method === 'GET' || req.method === 'HEAD') return next();
  res.status(403).json({ error: 'operators only: your role is viewer' });
}
