import type { ClickHouseClient } from '@clickhouse/client';

/** What the connected ClickHouse server can do; newer features are used only where present. */
export interface ServerFeatures {
  readonly version: string;
  /** `insert_deduplication_token` exists (ClickHouse ≥ 22.2). */
  readonly dedupToken: boolean;
  /** MergeTree setting `non_replicated_deduplication_window` exists, so the token works without replication. */
  readonly nonReplicatedDedupWindow: boolean;
}

async function exists(client: ClickHouseClient, table: string, name: string): Promise<boolean> {
  // `name` is a constant from this file, never user input.
  const result = await client.query({ query: `SELECT count() AS n FROM ${table} WHERE name = '${name}'`, format: 'JSONEachRow' });
  const rows = await result.json<{ n: string | number }>();
  return Number(rows[0]?.n ?? 0) > 0;
}

/** Reads `SELECT version()` and probes the settings tables (both exist on 18.16 and on current servers). */
export async function detectServerFeatures(client: ClickHouseClient): Promise<ServerFeatures> {
  const result = await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
  const [row] = await result.json<{ version: string }>();
  const [dedupToken, nonReplicatedDedupWindow] = await Promise.all([
    exists(client, 'system.settings', 'insert_deduplication_token'),
    exists(client, 'system.merge_tree_settings', 'non_replicated_deduplication_window'),
  ]);
  return { version: row?.version ?? 'unknown', dedupToken, nonReplicatedDedupWindow };
}
