import { CommanderError } from 'commander';
import { TradeSyncError } from './index.js';
import { firstLine } from './first-line.js';

/** One line for a failed command: `trade-sync: CODE: message`. Never a stack trace. */
export function formatCliError(err: unknown): string {
  if (err instanceof TradeSyncError) return `trade-sync: ${err.code}: ${err.message}`;
  if (err instanceof CommanderError) return `trade-sync: ${err.message.replace(/^error: /, '')}`;
  return `trade-sync: error: ${firstLine(err)}`;
}
