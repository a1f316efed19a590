/** Process entry: a sink worker (trades → ClickHouse, spill and replay). `node --import tsx workers/sink-worker.ts` */
import { runProcessEntry } from '../src/wiring/run-process-entry.js';

await runProcessEntry('sink');
