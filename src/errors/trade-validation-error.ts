import { TradeSyncError } from './trade-sync-error.js';

/** One problem with one field of a trade, e.g. `{ path: 'price', message: 'must be a decimal string' }`. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export class TradeValidationError extends TradeSyncError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[], code: 'TRADE_INVALID' | 'TRADE_SCHEMA_UNSUPPORTED' = 'TRADE_INVALID') {
    super(code, issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; '));
    this.issues = issues;
  }
}
