import type { NextFunction, Request, Response } from 'express';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for every mutating request (besides the SameSite=Strict cookie): the browser's
 * `Sec-Fetch-Site` must say same-origin and `Origin` must be the dashboard's own origin (the
 * configured TRADE_SYNC_DASHBOARD_ORIGIN, or the request's own scheme and host). A mutation
 * carrying neither header is refused too; non-browser clients send `Origin`.
 */
export function sameOriginGuard(configuredOrigin: string | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (SAFE.has(req.method)) return next();
    const expected = configuredOrigin ?? `${req.protocol}://${req.get('host') ?? ''}`;
    const origin = req.get('origin');
    const site = req.get('sec-fetch-site');
    const ok = (origin !== undefined || site !== undefined) && (origin === undefined || origin === expected) && (site === undefined || site === 'same-origin');
    if (ok) return next();
    res.status(403).json({ error: 'cross-origin request refused' });
  };
}
