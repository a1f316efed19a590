import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from '../../src/local/free-port.js';
import type { ServerNetwork } from '../../src/local/clickhouse-server-config.js';
import { startLocalClickHouse, type LocalClickHouse } from '../../src/local/local-clickhouse.js';
import { onCleanup } from './on-cleanup.js';

/** A clickhouse-server of this test only, in a temp dir on free ports; never the shared one. */
export interface PrivateClickHouse {
  readonly url: string;
  readonly dir: string;
  /** The server's pid, or undefined while it is stopped. */
  readonly pid: number | undefined;
  /** An abrupt outage: SIGKILL to this server's pid; resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same data dir and ports; resolves once it answers /ping. */
  start(): Promise<void>;
}

/**
 * Starts a private clickhouse-server; the test's cleanup kills it (by pid) and removes its dir.
 * `network` adds listen addresses and client networks (its `url` stays on 127.0.0.1).
 */
export async function privateClickHouse(t: TestContext, network?: ServerNetwork): Promise<PrivateClickHouse> {
  const dir = mkdtempSync(join(tmpdir(), 'trade-sync-ch-'));
  onCleanup(t, () => rmSync(dir, { recursive: true, force: true }));
  const [httpPort, tcpPort] = [await freePort(), await freePort()];
  const boot = () => startLocalClickHouse({ dir, httpPort, tcpPort, ...(network === undefined ? {} : { network }) });
  let server: LocalClickHouse | undefined = await boot();
  onCleanup(t, () => server?.kill());
  return {
    url: server.url,
    dir,
    get pid() {
      return server?.pid;
    },
    async stop() {
      await server?.kill();
      server = undefined;
    },
    async start() {
      if (server === undefined) server = await boot();
    },
  };
}
