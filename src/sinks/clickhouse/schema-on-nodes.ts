import type { ClickHouseClient } from '@clickhouse/client';
import { firstLine } from '../../errors/first-line.js';
import { readSchemaState } from './schema-version.js';

/** One node's applied schema version, or why it could not be read. */
export type NodeSchemaVersion = { readonly url: string; readonly version: number } | { readonly url: string; readonly error: string };

/**
 * The schema version every node holds after a cluster migration: `SYSTEM SYNC REPLICA` of the
 * replicated schema_migrations first (waits until the node has fetched what other nodes wrote),
 * then its highest version. A node that does not answer is reported, not thrown.
 */
export async function schemaVersionsOnNodes(nodes: readonly { url: string; client: ClickHouseClient }[], database: string): Promise<NodeSchemaVersion[]> {
  return Promise.all(
    nodes.map(async ({ url, client }): Promise<NodeSchemaVersion> => {
      try {
        await client.command({ query: `SYSTEM SYNC REPLICA ${database}.schema_migrations` });
        return { url, version: (await readSchemaState(client, database)).version };
      } catch (err) {
        return { url, error: firstLine(err) };
      }
    }),
  );
}
