import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export interface RoleBoardsOptions {
  /** Where the board is mounted, e.g. `/board`. */
  readonly basePath: string;
  readonly queues: readonly Queue[];
  readonly title: string;
}

/**
 * Two Bull Boards over the same queues at the same path: the operator's (Retry, Retry all, …)
 * and the viewer's, whose queue adapters are read-only so the UI shows no mutating button.
 * `handler` serves the one matching the session's role; the server-side 403 for a viewer's
 * mutation is enforced in front of it (readOnlyUnlessOperator), not by the UI.
 */
export class RoleBoards {
  readonly #operator = new ExpressAdapter();
  readonly #viewer = new ExpressAdapter();
  readonly #addOperator: (adapter: BullMQAdapter) => void;
  readonly #addViewer: (adapter: BullMQAdapter) => void;
  readonly #names = new Set<string>();

  constructor(options: RoleBoardsOptions) {
    const uiConfig = {
      boardTitle: options.title,
      hideDocsLink: true,
      miscLinks: [
        { text: 'Operations', url: '/ops' },
        { text: 'Find a trade', url: '/ops#find' },
        { text: 'Sign out', url: '/logout' },
      ],
    };
    this.#operator.setBasePath(options.basePath);
    this.#viewer.setBasePath(options.basePath);
    const operator = createBullBoard({ queues: [], serverAdapter: this.#operator, options: { uiConfig } });
    const viewer = createBullBoard({ queues: [], serverAdapter: this.#viewer, options: { uiConfig: { ...uiConfig, boardTitle: `${options.title} (read-only)` } } });
    this.#addOperator = operator.addQueue;
    this.#addViewer = viewer.addQueue;
    for (const queue of options.queues) this.add(queue);
  }

  has(name: string): boolean {
    return this.#names.has(name);
  }

  /** Shows one more queue on both boards (idempotent by name). */
  add(queue: Queue): void {
    if (this.#names.has(queue.name)) return;
    this.#names.add(queue.name);
    this.#addOperator(new BullMQAdapter(queue, { allowRetries: true }));
    this.#addViewer(new BullMQAdapter(queue, { readOnlyMode: true, allowRetries: false }));
  }

  /** Serves the board of the session's role (mount under `basePath`, after login). */
  handler(): RequestHandler {
    const operator = this.#operator.getRouter() as RequestHandler;
    const viewer = this.#viewer.getRouter() as RequestHandler;
    return (req: Request, res: Response, next: NextFunction) => {
      const role = (res.locals.session as { role?: string } | undefined)?.role;
      (role === 'operator' ? operator : viewer)(req, res, next);
    };
  }
}
