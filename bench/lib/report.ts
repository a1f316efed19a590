/** Options every scenario gets (parsed by run-bench.ts). */
export interface BenchOptions {
  /** Trades for the one-job-per-trade scenarios (no-op BullMQ and the sink). */
  readonly trades: number;
  /** Trades for the packed sink and the raw ClickHouse insert. */
  readonly packedTrades: number;
  /** Trades per job in the packed scenario. */
  readonly packSize: number;
  /** Rows per INSERT in the raw ClickHouse scenario. */
  readonly rawBatchRows: number;
  /** Seconds: latency run length and the naive peer's time bound. */
  readonly durationS: number;
  /** Offered trades/s in the latency and ingest-e2e scenarios. */
  readonly rate: number;
  /** BullMQ concurrency of the naive peer. */
  readonly naiveConcurrency: number;
  /** Longest wait for one drain (or the latency tail), seconds: past it the scenario FAILs. */
  readonly maxWaitS: number;
  /** Trades of the reconcile scenario's day. */
  readonly reconcileTrades: number;
  /** ClickHouse poll interval of the latency scenario, ms. */
  readonly pollMs: number;
  /** TRADE_SYNC_* overrides for every scenario (queues, workers), from `--set KEY=VALUE`. */
  readonly env: Readonly<Record<string, string>>;
  /** Write a CPU profile of every child worker here. */
  readonly cpuProfDir: string | undefined;
}

export interface Figure {
  readonly key: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
}

export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  /** 'fail': a count check failed (rows lost or duplicated, DLQ not empty) or the scenario crashed. */
  readonly status: 'ok' | 'fail';
  readonly problems: readonly string[];
  readonly figures: readonly Figure[];
  readonly notes: readonly string[];
  /** How long each phase took, ms. */
  readonly phases: readonly { label: string; ms: number }[];
  readonly elapsedMs: number;
}

/** Collects one scenario's figures, notes and problems. */
export class Report {
  readonly figures: Figure[] = [];
  readonly notes: string[] = [];
  readonly problems: string[] = [];
  /** Phase boundaries (label, ms since the report was made), for --verbose. */
  readonly marks: [string, number][] = [];
  readonly #t0 = performance.now();

  constructor(
    readonly name: string,
    readonly title: string,
  ) {}

  figure(key: string, label: string, value: number, unit: string): void {
    this.figures.push({ key, label, value, unit });
  }

  /** Marks the end of a phase (fill, start, drain, verify…) for --verbose timing. */
  mark(label: string): void {
    this.marks.push([label, performance.now() - this.#t0]);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  problem(text: string): void {
    this.problems.push(text);
  }

  /** A check: records `text` as a problem unless `ok`. */
  expect(ok: boolean, text: string): void {
    if (!ok) this.problem(text);
  }

  result(elapsedMs: number): ScenarioResult {
    return {
      name: this.name,
      title: this.title,
      status: this.problems.length === 0 ? 'ok' : 'fail',
      problems: this.problems,
      figures: this.figures,
      notes: this.notes,
      phases: this.marks.map(([label, ms], i) => ({ label, ms: ms - (this.marks[i - 1]?.[1] ?? 0) })),
      elapsedMs,
    };
  }
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** Runs the scenario into `report`; a thrown error marks it FAIL. Cleans up its own queues and database. */
  run(options: BenchOptions, report: Report): Promise<void>;
}
