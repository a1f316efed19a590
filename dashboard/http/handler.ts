import type { NextFunction, Request, Response } from 'express';
import type { Session } from '../auth/session-store.js';

/** What a dashboard handler sees of a request; no framework types. */
export interface DashboardRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
  readonly session: Session | undefined;
  readonly sessionId: string | undefined;
  readonly ip: string;
}

/** A handler's answer: JSON, HTML or a redirect, with extra headers (e.g. Set-Cookie). */
export interface DashboardResponse {
  readonly status: number;
  readonly json?: unknown;
  readonly html?: string;
  readonly redirect?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
}

export type DashboardHandler = (req: DashboardRequest) => Promise<DashboardResponse> | DashboardResponse;

/** `{ error }` with a status: the one error body every dashboard API answers with. */
export function errorResponse(status: number, error: string, headers?: Record<string, string>): DashboardResponse {
  return { status, json: { error }, ...(headers === undefined ? {} : { headers }) };
}

function flat(value: unknown): string | undefined {
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

/** The Express shell around a handler. */
export function route(handler: DashboardHandler) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const request: DashboardRequest = {
      method: req.method,
      path: req.path,
      query: Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, flat(v)])),
      params: { ...(req.params as Record<string, string | undefined>) },
      body: req.body as unknown,
      session: res.locals.session as Session | undefined,
      sessionId: res.locals.sessionId as string | undefined,
      ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    };
    Promise.resolve(handler(request)).then((response) => {
      for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value as string | string[]);
      res.status(response.status);
      if (response.redirect !== undefined) res.redirect(response.status, response.redirect);
      else if (response.html !== undefined) res.type('html').send(response.html);
      else res.json(response.json ?? {});
    }, next);
  };
}
