import { availableParallelism } from 'node:os';
import type { ScenarioResult } from './report.js';

/** Cores the whole pipeline shares on this machine (the bench runs every process on it). */
const CORES = availableParallelism();

export interface Goal {
  /** Scenario whose rows the goal is printed under. */
  readonly scenario: string;
  readonly label: string;
  readonly value: number | undefined;
  readonly op: '>=' | '<=';
  readonly target: number;
  readonly unit: '' | '×' | 'trades/s' | 'rows/s' | 'ms' | 'MiB';
  /** Why there is no value (a scenario left out with --only, or failed). */
  readonly missing?: string;
  readonly met: boolean | undefined;
  /** The figure key the goal belongs to (printed in that figure's row) or undefined for a ratio row. */
  readonly figureKey?: string;
  /** A ratio printed for context, with no target of its own (e.g. the ceiling a goal is bounded by): never met or missed. */
  readonly info?: true;
}

type Lookup = (scenario: string, key: string) => number | undefined;

function goal(
  lookup: Lookup,
  why: (scenario: string) => string,
  spec: { scenario: string; label: string; op: '>=' | '<='; target: number; unit: Goal['unit']; figureKey?: string; needs: readonly [string, string][]; compute: (values: number[]) => number },
): Goal {
  const values: number[] = [];
  const missing: string[] = [];
  for (const [scenario, key] of spec.needs) {
    const v = lookup(scenario, key);
    if (v === undefined || !Number.isFinite(v)) missing.push(why(scenario));
    else values.push(v);
  }
  const base = { scenario: spec.scenario, label: spec.label, op: spec.op, target: spec.target, unit: spec.unit, ...(spec.figureKey ? { figureKey: spec.figureKey } : {}) };
  if (missing.length > 0) return { ...base, value: undefined, met: undefined, missing: [...new Set(missing)].join(', ') };
  const value = spec.compute(values);
  return { ...base, value, met: spec.op === '>=' ? value >= spec.target : value <= spec.target };
}

/** A ratio shown for context: no target, so neither met nor missed. */
function info(g: Goal): Goal {
  return { ...g, met: undefined, info: true };
}

/** The goals of the brief, computed from figures of this one run (so machine noise cancels in the ratios). */
export function evaluateGoals(results: readonly ScenarioResult[]): Goal[] {
  const lookup: Lookup = (scenario, key) => {
    const r = results.find((x) => x.name === scenario);
    if (r === undefined || r.status !== 'ok') return undefined;
    return r.figures.find((f) => f.key === key)?.value;
  };
  const why = (scenario: string) => {
    const r = results.find((x) => x.name === scenario);
    return r === undefined ? `${scenario} not run` : r.status === 'ok' ? `no figure from ${scenario}` : `${scenario} FAILED`;
  };
  const ran = (name: string) => results.some((r) => r.name === name);
  const goals: Goal[] = [];
  const ratio = ([a, b]: number[]) => (a as number) / (b as number);
  const first = ([a]: number[]) => a as number;
  if (ran('sink-one-job-per-trade')) {
    goals.push(
      goal(lookup, why, { scenario: 'sink-one-job-per-trade', label: 'drain ÷ no-op BullMQ drain', op: '>=', target: 0.66, unit: '', needs: [['sink-one-job-per-trade', 'rate'], ['noop-bullmq', 'rate']], compute: ratio }),
      goal(lookup, why, { scenario: 'sink-one-job-per-trade', label: 'drain ÷ naive peer', op: '>=', target: 50, unit: '×', needs: [['sink-one-job-per-trade', 'rate'], ['naive-peer', 'rate']], compute: ratio }),
      info(goal(lookup, why, { scenario: 'sink-one-job-per-trade', label: 'ceiling of the line above: no-op BullMQ drain ÷ naive peer', op: '>=', target: 0, unit: '×', needs: [['noop-bullmq', 'rate'], ['naive-peer', 'rate']], compute: ratio })),
      goal(lookup, why, { scenario: 'sink-one-job-per-trade', label: 'peak RSS', op: '<=', target: 256, unit: 'MiB', figureKey: 'rss', needs: [['sink-one-job-per-trade', 'rss']], compute: first }),
    );
  }
  if (ran('sink-packed')) {
    goals.push(
      goal(lookup, why, { scenario: 'sink-packed', label: 'drain ÷ no-op BullMQ drain of the same packs', op: '>=', target: 0.6, unit: '', needs: [['sink-packed', 'rate'], ['noop-bullmq-packed', 'rate']], compute: ratio }),
      info(goal(lookup, why, { scenario: 'sink-packed', label: "ceiling of the goal above for a sink that decodes and encodes on BullMQ's thread: no-op CPU ÷ (no-op CPU + decode + encode), orders and GC left out", op: '>=', target: 0, unit: '', needs: [['noop-bullmq-packed', 'cpu'], ['decode', 'pack'], ['decode', 'encode']], compute: ([a, b, c]) => (a as number) / ((a as number) + (b as number) + (c as number)) })),
      info(goal(lookup, why, { scenario: 'sink-packed', label: `ceiling of the goal above on this machine's ${CORES} cores: (cores ÷ CPU per trade of worker, Redis and ClickHouse) ÷ no-op drain`, op: '>=', target: 0, unit: '', needs: [['sink-packed', 'cpu-pipeline'], ['noop-bullmq-packed', 'rate']], compute: ([cpu, noop]) => (CORES * 1e6) / (cpu as number) / (noop as number) })),
      info(goal(lookup, why, { scenario: 'sink-packed', label: 'drain ÷ raw ClickHouse insert', op: '>=', target: 0, unit: '', needs: [['sink-packed', 'rate'], ['raw-clickhouse-insert', 'rate']], compute: ratio })),
      info(goal(lookup, why, { scenario: 'sink-packed', label: 'ceiling of the line above: no-op BullMQ drain of these packs ÷ raw insert', op: '>=', target: 0, unit: '', needs: [['noop-bullmq-packed', 'rate'], ['raw-clickhouse-insert', 'rate']], compute: ratio })),
      goal(lookup, why, { scenario: 'sink-packed', label: 'drain ÷ naive peer (which takes the same trades one per job)', op: '>=', target: 50, unit: '×', needs: [['sink-packed', 'rate'], ['naive-peer', 'rate']], compute: ratio }),
      goal(lookup, why, { scenario: 'sink-packed', label: 'peak RSS', op: '<=', target: 256, unit: 'MiB', figureKey: 'rss', needs: [['sink-packed', 'rss']], compute: first }),
    );
  }
  for (const name of ['latency', 'latency-one-job-per-trade']) {
    if (!ran(name)) continue;
    // p99 ≤ 300 ms is the default producer's goal; one job per trade is the explicit mode, shown for comparison.
    if (name === 'latency') goals.push(goal(lookup, why, { scenario: name, label: 'p99', op: '<=', target: 300, unit: 'ms', figureKey: 'p99', needs: [[name, 'p99']], compute: first }));
    goals.push(goal(lookup, why, { scenario: name, label: 'peak RSS', op: '<=', target: 256, unit: 'MiB', figureKey: 'rss', needs: [[name, 'rss']], compute: first }));
  }
  if (ran('ingest-e2e')) {
    goals.push(
      goal(lookup, why, { scenario: 'ingest-e2e', label: 'p99', op: '<=', target: 300, unit: 'ms', figureKey: 'p99', needs: [['ingest-e2e', 'p99']], compute: first }),
      goal(lookup, why, { scenario: 'ingest-e2e', label: 'sustained ÷ accept rate', op: '>=', target: 0.8, unit: '', figureKey: 'sustained_ratio', needs: [['ingest-e2e', 'sustained_ratio']], compute: first }),
    );
  }
  if (ran('outage')) {
    goals.push(goal(lookup, why, { scenario: 'outage', label: 'replay start delay', op: '<=', target: 5_000, unit: 'ms', figureKey: 'delay', needs: [['outage', 'delay']], compute: first }));
  }
  if (ran('spill')) {
    goals.push(
      goal(lookup, why, { scenario: 'spill', label: 'spill write', op: '>=', target: 100_000, unit: 'rows/s', figureKey: 'write', needs: [['spill', 'write']], compute: first }),
      goal(lookup, why, { scenario: 'spill', label: 'spill replay', op: '>=', target: 100_000, unit: 'rows/s', figureKey: 'replay', needs: [['spill', 'replay']], compute: first }),
    );
  }
  return goals;
}
