import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

/** The backend contract `createClient({ connection })` takes (its type is not exported by name). */
type Connection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

type Params = { query: string; clickhouse_settings?: Record<string, unknown> };

/**
 * chDB (ClickHouse 26.x embedded in this process) behind `@clickhouse/client`, for the test tier
 * in test/chdb/. `chdb/connection` sends a query's `clickhouse_settings` as `SET k = v; <query>`
 * on its one session, where they stay: after a sink insert with `insert_deduplication_token`, the
 * next plain insert carried the same token and was silently dropped as a duplicate. The scoped
 * connection below makes that impossible: it runs one operation at a time and, after any
 * operation with settings, puts each of those settings back to what it was when the session
 * opened (`SET k = DEFAULT`, or the session's own start value).
 */
class SettingsScopedConnection implements Connection {
  readonly #inner: Connection;
  readonly #startValues: Promise<Map<string, string | undefined>>;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(inner: Connection, startValues: Promise<Map<string, string | undefined>>) {
    this.#inner = inner;
    this.#startValues = startValues;
  }

  #serial<T>(params: Params, op: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(async () => {
      try {
        return await op();
      } finally {
        await this.#restore(Object.keys(params.clickhouse_settings ?? {}));
      }
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #restore(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    const start = await this.#startValues;
    for (const name of names) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || !start.has(name)) continue; // HTTP-only settings never reach chDB
      const value = start.get(name);
      await this.#inner.command({ query: value === undefined ? `SET ${name} = DEFAULT` : `SET ${name} = '${value.replace(/'/g, "''")}'` });
    }
  }

  ping(params: Parameters<Connection['ping']>[0]) {
    return this.#serial({ query: '' }, () => this.#inner.ping(params));
  }
  query(params: Parameters<Connection['query']>[0]) {
    return this.#serial(params, () => this.#inner.query(params));
  }
  insert(params: Parameters<Connection['insert']>[0]) {
    return this.#serial(params, () => this.#inner.insert(params));
  }
  command(params: Parameters<Connection['command']>[0]) {
    return this.#serial(params, () => this.#inner.command(params));
  }
  exec(params: Parameters<Connection['exec']>[0]) {
    return this.#serial(params, () => this.#inner.exec(params));
  }
  /** The session outlives every client made on it; ChdbSession.close() ends it. */
  async close(): Promise<void> {}
}

/** A connection that never closes the shared session (clients and sinks close theirs freely). */
class UnclosedConnection implements Connection {
  constructor(readonly inner: Connection) {}
  ping(p: Parameters<Connection['ping']>[0]) { return this.inner.ping(p); }
  query(p: Parameters<Connection['query']>[0]) { return this.inner.query(p); }
  insert(p: Parameters<Connection['insert']>[0]) { return this.inner.insert(p); }
  command(p: Parameters<Connection['command']>[0]) { return this.inner.command(p); }
  exec(p: Parameters<Connection['exec']>[0]) { return this.inner.exec(p); }
  async close(): Promise<void> {}
}

export interface ChdbSession {
  /** A new client whose per-query settings never outlive the query (use this one). */
  client(): ClickHouseClient;
  /** A client straight on `chdb/connection`, settings sticking: only to show the hazard. */
  rawClient(): ClickHouseClient;
  /** Every setting of the session that differs from its default, name → value. */
  changedSettings(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

async function readChanged(connection: Connection): Promise<Map<string, string>> {
  const result = await connection.query({ query: 'SELECT name, value FROM system.settings WHERE changed FORMAT JSONEachRow' });
  let text = '';
  for await (const chunk of result.stream) text += String(chunk);
  const changed = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as { name: string; value: string };
    changed.set(row.name, row.value);
  }
  return changed;
}

/**
 * One chDB session in a fresh temp dir (chDB keeps one engine per process: open one per test
 * file and give each test its own database).
 */
export async function openChdbSession(): Promise<ChdbSession> {
  const dir = mkdtempSync(join(tmpdir(), 'trade-sync-chdb-'));
  // chdb ships its own copy of client-common's types: the same contract, another declaration.
  const connection = createChdbConnection({ path: dir }) as unknown as Connection;
  const changedAtStart = await readChanged(connection);
  // Every known setting: a name absent here is HTTP-only (dropped by chdb/connection).
  const startValues = (async () => {
    const all = await connection.query({ query: 'SELECT name FROM system.settings FORMAT TSV' });
    let text = '';
    for await (const chunk of all.stream) text += String(chunk);
    return new Map(text.split('\n').filter((n) => n !== '').map((n): [string, string | undefined] => [n, changedAtStart.get(n)]));
  })();
  const scoped = new SettingsScopedConnection(connection, startValues);
  return {
    client: () => createClient({ connection: scoped }),
    rawClient: () => createClient({ connection: new UnclosedConnection(connection) }),
    changedSettings: () => readChanged(connection),
    async close() {
      await connection.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
