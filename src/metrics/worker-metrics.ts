import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TradeRow } from '../sinks/trade-row.js';
import { CIRCUIT_STATE_VALUE, METRIC } from './metric-names.js';

/** What one written batch did, as the sink worker reports it. */
export interface BatchOutcome {
  /** Rows that arrived in the batch's jobs (verified rows and early rejects). */
  readonly received: number;
  readonly rows: readonly TradeRow[];
  readonly inserted: number;
  readonly spilled: number;
  readonly duplicates: number;
  readonly deadLettered: number;
}

/** What the sink worker tells its metrics; the one hook `TradesConsumer` calls per batch. */
export interface TradesConsumerMetrics {
  /** `partition`: the consumer's partition number, or `old` for a queue of an earlier layout it drains. */
  batchWritten(outcome: BatchOutcome, partition: string): void;
}

const OUTCOMES = ['inserted', 'spilled', 'duplicate', 'dead_lettered'] as const;

const LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600];

/** Nanoseconds-since-epoch text to seconds before `nowMs` (never negative). */
function lagSeconds(tsNs: string, nowMs: number): number {
  const ms = Number(BigInt(tsNs) / 1_000_000n);
  return Math.max(0, (nowMs - ms) / 1000);
}

/**
 * The Prometheus metrics of one worker process, in its own registry. The supervisor collects
 * every child's registry over IPC and aggregates them (counters and histograms summed, the
 * circuit state and lag as the maximum), so `/metrics` shows the whole host.
 */
export class WorkerMetrics implements TradesConsumerMetrics {
  readonly registry = new Registry();
  /** Largest end-to-end lag of the last written batch, in milliseconds (heartbeat and ops page). */
  lastLagMs = 0;
  readonly #in: Counter<'partition'>;
  readonly #out: Counter<'outcome' | 'partition'>;
  readonly #batchSize: Histogram;
  readonly #insertDuration: Histogram<'result'>;
  readonly #retries: Counter;
  readonly #lag: Histogram;
  readonly #lagLast: Gauge;
  readonly #spillBacklog: Gauge;
  readonly #circuit: Gauge;
  readonly #redriven: Counter;

  /**
   * @param queue the configured trades queue name.
   * @param partitions the partitions this process takes: their series start at 0. The trades
   *   counters carry a `partition` label, so there are at most 5 × TRADE_SYNC_PARTITIONS of them
   *   (plus `old` while a queue of an earlier layout drains); the histograms carry none.
   */
  constructor(readonly queue: string, partitions: readonly number[] = [0]) {
    const registers = [this.registry];
    this.#in = new Counter({ name: METRIC.tradesIn, help: 'Trades that reached a sink worker (verified or rejected), per partition', labelNames: ['partition'] as const, registers });
    this.#out = new Counter({ name: METRIC.tradesOut, help: 'Trades a sink worker finished, per partition and outcome: inserted, spilled, duplicate (dropped within a batch), dead_lettered', labelNames: ['outcome', 'partition'] as const, registers });
    this.#batchSize = new Histogram({ name: METRIC.batchSize, help: 'Rows per written batch', buckets: [1, 10, 50, 100, 500, 1000, 5000, 10000, 50000, 100000], registers });
    this.#insertDuration = new Histogram({ name: METRIC.insertDuration, help: 'Duration of one ClickHouse insert request', labelNames: ['result'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers });
    this.#retries = new Counter({ name: METRIC.insertRetries, help: 'Failed insert attempts (each is retried, or its batch spills or is dead-lettered)', registers });
    this.#lag = new Histogram({ name: METRIC.endToEndLag, help: "Seconds from a trade's source timestamp (ts_ns) to its durable write", buckets: LAG_BUCKETS, registers });
    this.#lagLast = new Gauge({ name: METRIC.endToEndLagLast, help: 'Largest end-to-end lag of the last written batch (max over processes)', aggregator: 'max', registers });
    this.#spillBacklog = new Gauge({ name: METRIC.spillBacklog, help: 'Rows waiting in the spill files to be replayed', registers });
    this.#circuit = new Gauge({ name: METRIC.circuitState, help: 'ClickHouse circuit: 0 closed, 1 half-open, 2 open (max over processes)', aggregator: 'max', registers });
    this.#redriven = new Counter({ name: METRIC.redriven, help: 'Dead letters sent back to the trades queue', registers });
    for (const p of partitions) {
      const partition = String(p);
      this.#in.inc({ partition }, 0);
      for (const o of OUTCOMES) this.#out.inc({ outcome: o, partition }, 0);
    }
  }

  batchWritten(outcome: BatchOutcome, partition: string): void {
    const now = Date.now();
    this.#in.inc({ partition }, outcome.received);
    this.#out.inc({ outcome: 'inserted', partition }, outcome.inserted);
    this.#out.inc({ outcome: 'spilled', partition }, outcome.spilled);
    this.#out.inc({ outcome: 'duplicate', partition }, outcome.duplicates);
    this.#out.inc({ outcome: 'dead_lettered', partition }, outcome.deadLettered);
    this.#batchSize.observe(outcome.rows.length);
    let max = 0;
    for (const row of outcome.rows) {
      const lag = lagSeconds(row.trade.ts_ns, now);
      this.#lag.observe(lag);
      if (lag > max) max = lag;
    }
    if (outcome.rows.length > 0) {
      this.#lagLast.set(max);
      this.lastLagMs = Math.round(max * 1000);
    }
  }

  /** One insert request, timed; a failure counts as a retry. */
  insertFinished(seconds: number, ok: boolean): void {
    this.#insertDuration.observe({ result: ok ? 'ok' : 'error' }, seconds);
    if (!ok) this.#retries.inc();
  }

  redriven(count = 1): void {
    this.#redriven.inc(count);
  }

  /** Refreshes the gauges read from other objects (called before each collection). */
  setState(state: { spillBacklog: number; circuit: keyof typeof CIRCUIT_STATE_VALUE | 'n/a' }): void {
    this.#spillBacklog.set(state.spillBacklog);
    this.#circuit.set(state.circuit === 'n/a' ? 0 : CIRCUIT_STATE_VALUE[state.circuit]);
  }
}
