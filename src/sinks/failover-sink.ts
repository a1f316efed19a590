import type { Logger } from '../logger.js';
import { classifyInsertError } from './clickhouse/classify-insert-error.js';
import type { TradeRow } from './trade-row.js';
import type { EncodedBatch, TradeSink } from './trade-sink.js';

export interface SinkNode {
  readonly url: string;
  readonly sink: TradeSink;
  /** True when the node answers; used to come back to the primary. */
  readonly ping: () => Promise<boolean>;
}

/**
 * Server codes saying this replica cannot take writes now, though another replica of the same
 * data may: NO_ZOOKEEPER (225), TABLE_IS_READ_ONLY (242, e.g. just restarted and not yet
 * reconnected to ZooKeeper), UNKNOWN_STATUS_OF_INSERT (319), KEEPER_EXCEPTION (999).
 */
const REPLICA_UNAVAILABLE_CODES: ReadonlySet<number> = new Set([225, 242, 319, 999]);

/** A failure of the connection itself (refused, reset, timed out) or of this replica, not of the data. */
export function isNodeFailure(err: unknown): boolean {
  const { serverCode } = classifyInsertError(err);
  return serverCode === undefined || REPLICA_UNAVAILABLE_CODES.has(serverCode);
}

/**
 * Several ClickHouse nodes behind one sink: inserts go to the current node; a connection
 * failure (or a replica that cannot take writes now) moves on to the next node in the same call (so the circuit never sees it while any
 * node answers); while on a backup, the primary is pinged every `recheckMs` and taken back.
 */
export class FailoverSink implements TradeSink {
  readonly #nodes: readonly SinkNode[];
  readonly #log: Logger;
  readonly #recheckMs: number;
  #current = 0;
  #primaryCheckedAt = 0;

  constructor(nodes: readonly SinkNode[], log: Logger, recheckMs = 2_000) {
    if (nodes.length === 0) throw new Error('FailoverSink needs at least one node');
    this.#nodes = nodes;
    this.#log = log.child({ component: 'failover-sink' });
    this.#recheckMs = recheckMs;
  }

  /** URL of the node inserts go to now. */
  get currentUrl(): string {
    return (this.#nodes[this.#current] as SinkNode).url;
  }

  insert(rows: readonly TradeRow[]): Promise<void> {
    return this.#onAnyNode((sink) => sink.insert(rows));
  }

  insertEncoded(batch: EncodedBatch): Promise<void> {
    return this.#onAnyNode((sink) => {
      if (sink.insertEncoded === undefined) throw new Error('this sink takes rows only');
      return sink.insertEncoded(batch);
    });
  }

  async #onAnyNode(insert: (sink: TradeSink) => Promise<void>): Promise<void> {
    await this.#maybeReturnToPrimary();
    let lastError: unknown;
    for (let step = 0; step < this.#nodes.length; step++) {
      const index = (this.#current + step) % this.#nodes.length;
      const node = this.#nodes[index] as SinkNode;
      try {
        await insert(node.sink);
        if (index !== this.#current) {
          this.#log.warn({ from: this.currentUrl, to: node.url }, 'failed over to another ClickHouse node');
          this.#current = index;
        }
        return;
      } catch (err) {
        if (!isNodeFailure(err)) throw err;
        lastError = err;
      }
    }
    throw lastError;
  }

  async #maybeReturnToPrimary(): Promise<void> {
    if (this.#current === 0 || Date.now() - this.#primaryCheckedAt < this.#recheckMs) return;
    this.#primaryCheckedAt = Date.now();
    const primary = this.#nodes[0] as SinkNode;
    if (await primary.ping().catch(() => false)) {
      this.#log.info({ from: this.currentUrl, to: primary.url }, 'primary ClickHouse is back; returning to it');
      this.#current = 0;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#nodes.map((n) => n.sink.close()));
  }
}
