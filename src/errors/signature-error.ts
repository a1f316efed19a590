import { TradeSyncError } from './trade-sync-error.js';

export class SignatureError extends TradeSyncError {
  constructor(code: 'SIGNATURE_INVALID' | 'SIGNATURE_UNKNOWN_KEY' | 'ENVELOPE_INVALID', message: string) {
    super(code, message);
  }
}
