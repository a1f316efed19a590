import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from '../../src/local/free-port.js';
import { onCleanup } from './on-cleanup.js';

/** Debian's `zookeeper` package: its jar names its dependencies in its manifest; slf4j-nop keeps it quiet. */
const CLASSPATH = ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-nop.jar'].join(':');
const MAIN_CLASS = 'org.apache.zookeeper.server.ZooKeeperServerMain';

/** A standalone ZooKeeper of this test only, in a temp dir on a free port. */
export interface PrivateZooKeeper {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
}

/** The reply to the `srvr` four-letter command, or '' when nothing answers yet. */
function srvr(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.end('srvr'));
    let reply = '';
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('utf8')));
    socket.on('close', () => resolve(reply));
    socket.on('error', () => resolve(''));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `java … ZooKeeperServerMain zoo.cfg` (not the system service) with its own config and
 * data dir, and waits until it serves (`srvr` says standalone). The test's cleanup kills it by
 * pid and removes the dir.
 */
export async function privateZooKeeper(t: TestContext, timeoutMs = 30_000): Promise<PrivateZooKeeper> {
  const dir = mkdtempSync(join(tmpdir(), 'trade-sync-zk-'));
  onCleanup(t, () => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'data'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'zoo.cfg'),
    [
      'tickTime=500',
      'initLimit=10',
      'syncLimit=5',
      `dataDir=${join(dir, 'data')}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'maxClientCnxns=0',
      'admin.enableServer=false',
      '4lw.commands.whitelist=srvr',
      // A test's ZooKeeper holds a few MB: no snapshot purging, no fsync wait per write.
      'forceSync=no',
      '',
    ].join('\n'),
  );
  const child = spawn(
    'java',
    ['-Xmx128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Dzookeeper.log.dir=${dir}`, '-cp', CLASSPATH, MAIN_CLASS, join(dir, 'zoo.cfg')],
    { cwd: dir, stdio: 'ignore' },
  );
  onCleanup(t, async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited(child);
  });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  const ready = (async () => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`zookeeper exited with code ${child.exitCode} (see ${dir})`);
      if ((await srvr(port)).includes('Mode: standalone')) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`zookeeper did not serve on 127.0.0.1:${port} within ${timeoutMs} ms`);
  })();
  await Promise.race([ready, spawnError]);
  return { host: '127.0.0.1', port, pid: child.pid ?? -1 };
}
