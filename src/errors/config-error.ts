import { TradeSyncError } from './trade-sync-error.js';

export class ConfigError extends TradeSyncError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}
