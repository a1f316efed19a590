import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { deadLetterLink, formatDeadLetters } from './dead-letter-formatters.js';

export interface RoleBoardsOptions {
  /** Where the board is mounted, e.g. `/board`. */
  readonly basePath: string;
  readonly queues: readonly Queue[];
  /** The name Bull Board shows for a queue (e.g. `trades.3` for `{trades.3}`); default its BullMQ name. */
  readonly displayNames?: ReadonlyMap<string, string>;
  readonly title: string;
  /** The dead-letter queue's name: its jobs are shown decoded (dead-letter-formatters.ts). */
  readonly dlq?: string;
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
  readonly #basePath: string;
  readonly #dlq: string | undefined;

  constructor(options: RoleBoardsOptions) {
    this.#basePath = options.basePath;
    this.#dlq = options.dlq;
    const uiConfig = {
      boardTitle: options.title,
      hideDocsLink: true,
      // A job opens on its data: for a dead letter, the decoded trade, the reason and what to do.
      jobDetails: { defaultTab: 'Data' as const },
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
    for (const queue of options.queues) this.add(queue, options.displayNames?.get(queue.name));
  }

  has(name: string): boolean {
    return this.#names.has(name);
  }

  /** Shows one more queue on both boards (idempotent by name), under `displayName` when given. */
  add(queue: Queue, displayName?: string): void {
    if (this.#names.has(queue.name)) return;
    this.#names.add(queue.name);
    const dlq = queue.name === this.#dlq ? this.#dlq : undefined;
    const link = dlq === undefined ? {} : { externalJobUrl: (job: { data: unknown; returnvalue: unknown }) => deadLetterLink(this.#basePath, dlq, job) as { href: string } }; // undefined: no link
    const shown = displayName === undefined || displayName === queue.name ? {} : { displayName };
    const operator = new BullMQAdapter(queue, { allowRetries: true, ...shown, ...link });
    const viewer = new BullMQAdapter(queue, { readOnlyMode: true, allowRetries: false, ...shown, ...link });
    if (dlq !== undefined) for (const adapter of [operator, viewer]) formatDeadLetters(adapter);
    this.#addOperator(operator);
    this.#addViewer(viewer);
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
