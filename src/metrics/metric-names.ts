/**
 * Names of every metric trade-sync exports at the supervisor's `/metrics`. The alert rules in
 * deploy/prometheus/alerts.yml and their tests use these names.
 */
export const METRIC = {
  tradesIn: 'trade_sync_trades_in_total',
  tradesOut: 'trade_sync_trades_out_total',
  batchSize: 'trade_sync_batch_size_rows',
  insertDuration: 'trade_sync_insert_duration_seconds',
  insertRetries: 'trade_sync_insert_retries_total',
  endToEndLag: 'trade_sync_end_to_end_lag_seconds',
  endToEndLagLast: 'trade_sync_end_to_end_lag_last_seconds',
  dlqDepth: 'trade_sync_dlq_depth',
  queueWaiting: 'trade_sync_queue_waiting_jobs',
  spillBacklog: 'trade_sync_spill_backlog_rows',
  circuitState: 'trade_sync_circuit_state',
  syncSuccessRatio: 'trade_sync_sync_success_ratio',
  redriven: 'trade_sync_dlq_redriven_total',
  processesDesired: 'trade_sync_supervisor_processes_desired',
  processesRunning: 'trade_sync_supervisor_processes_running',
  processRestarts: 'trade_sync_supervisor_restarts_total',
  crashLoop: 'trade_sync_supervisor_crash_loop',
  reconcileMissing: 'trade_sync_reconcile_missing',
  reconcileDifferent: 'trade_sync_reconcile_different',
  reconcileExtra: 'trade_sync_reconcile_extra',
  reconcileLastRun: 'trade_sync_reconcile_last_run_timestamp_seconds',
  reconcileWindowEnd: 'trade_sync_reconcile_window_end_timestamp_seconds',
  reconcileOk: 'trade_sync_reconcile_last_run_ok',
} as const;

/** `trade_sync_circuit_state`: the worst state of any process (max over processes). */
export const CIRCUIT_STATE_VALUE = { closed: 0, 'half-open': 1, isolated: 2, open: 2 } as const;
