/** Process entry: the dead-letter redrive worker. `node --import tsx workers/redrive-worker.ts` */
import { runProcessEntry } from '../src/wiring/run-process-entry.js';

await runProcessEntry('redrive');
