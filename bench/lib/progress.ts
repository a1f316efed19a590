import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  update(value: number): void;
  stop(): void;
}

const NONE: Progress = { update: () => {}, stop: () => {} };

/**
 * A progress bar on stderr for a long step. It draws only when stderr is a terminal, so piped
 * or --json output stays clean.
 */
export function progress(label: string, total: number, unit = 'trades'): Progress {
  if (!process.stderr.isTTY) return NONE;
  const bar = new SingleBar(
    { format: `${label.padEnd(34)} [{bar}] {value}/{total} ${unit} | {duration_formatted}`, hideCursor: true, clearOnComplete: true, stream: process.stderr },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  let stopped = false;
  return {
    update: (value) => bar.update(Math.min(value, total)),
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
