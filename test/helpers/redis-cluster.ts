import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '../../src/local/free-port.js';
import { onCleanup } from './on-cleanup.js';

const run = promisify(execFile);

/** One master of a local cluster. */
export interface RedisClusterNode {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
}

/** A Redis Cluster of this test process only: `redis-server --cluster-enabled yes` masters on free ports, each in its own temp dir. */
export interface LocalRedisCluster {
  readonly nodes: readonly RedisClusterNode[];
  /** `redis://<host>:<port>` of every node (any one of them is enough to reach the cluster). */
  readonly urls: readonly string[];
  /** Milliseconds from the first spawn until every node said `cluster_state:ok`. */
  readonly startupMs: number;
  /** SIGKILL to every node's pid, then its dir removed; idempotent. */
  stop(): Promise<void>;
}

export interface RedisClusterOptions {
  /** Masters (no replicas). @defaultValue 3 */
  readonly masters?: number;
  /** How long the whole start may take. @defaultValue 30000 */
  readonly timeoutMs?: number;
  /**
   * An address of this machine the nodes also listen on and announce to clients and to each other
   * (`--cluster-announce-ip`), e.g. a bridge address that network namespaces reach; the nodes,
   * their URLs and the cluster's slot map then name it. @defaultValue 127.0.0.1 only
   */
  readonly announceHost?: string;
}

const HOST = '127.0.0.1';
const children = new Set<ChildProcess>();
// A test process that exits without its cleanup (a failed before hook) leaves no server behind.
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts a cluster, and stops it (by pid) in the test's cleanup. */
export async function redisClusterFor(t: TestContext, options: RedisClusterOptions = {}): Promise<LocalRedisCluster> {
  const cluster = await startRedisCluster(options);
  onCleanup(t, () => cluster.stop());
  return cluster;
}

/**
 * Starts `masters` nodes (`--save "" --appendonly no`, bound to 127.0.0.1 and `announceHost`, data and cluster
 * bus on free ports, own nodes.conf), joins them with `redis-cli --cluster create
 * --cluster-replicas 0 --cluster-yes` and waits until each says `cluster_state:ok` with every
 * slot served. A failed start stops what it started.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<LocalRedisCluster> {
  const masters = options.masters ?? 3;
  const host = options.announceHost ?? HOST;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const started = performance.now();
  const spawned: { child: ChildProcess; dir: string; port: number }[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= Promise.all(spawned.map(({ child, dir }) => kill(child).then(() => rmSync(dir, { recursive: true, force: true })))).then(() => undefined));
  try {
    const ports = await distinctFreePorts(2 * masters);
    for (let i = 0; i < masters; i++) spawned.push(spawnNode(ports[2 * i] as number, ports[2 * i + 1] as number, host));
    await Promise.all(spawned.map((n) => untilAnswers(n, deadline)));
    await run('redis-cli', ['--cluster', 'create', ...spawned.map((n) => `${host}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: Math.max(1, deadline - Date.now()) });
    await Promise.all(spawned.map((n) => untilClusterOk(n.port, masters, deadline)));
  } catch (err) {
    const logs = spawned.map((n) => `${n.port}: ${logTail(n.dir)}`).join('\n');
    await stop();
    throw new Error(`local Redis Cluster did not start: ${err instanceof Error ? err.message : String(err)}\n${logs}`);
  }
  const nodes = spawned.map(({ child, port }) => ({ host, port, pid: child.pid ?? -1 }));
  return { nodes, urls: nodes.map((n) => `redis://${n.host}:${n.port}`), startupMs: performance.now() - started, stop };
}

function spawnNode(port: number, busPort: number, host: string): { child: ChildProcess; dir: string; port: number } {
  const dir = mkdtempSync(join(tmpdir(), 'trade-sync-redis-cluster-'));
  const args = [
    '--port', String(port), '--cluster-port', String(busPort), '--bind', ...new Set([HOST, host]), '--cluster-enabled', 'yes',
    '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-node-timeout', '5000', '--dir', dir,
    '--save', '', '--appendonly', 'no', '--logfile', join(dir, 'redis.log'),
    // Off the loopback, protected mode would refuse clients without a password (only the test's bridge reaches it).
    ...(host === HOST ? [] : ['--cluster-announce-ip', host, '--protected-mode', 'no']),
  ];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', () => children.delete(child));
  return { child, dir, port };
}

async function untilAnswers(node: { child: ChildProcess; port: number }, deadline: number): Promise<void> {
  for (;;) {
    if (node.child.exitCode !== null) throw new Error(`redis-server on port ${node.port} exited with code ${node.child.exitCode}`);
    try {
      await withNode(node.port, (r) => r.ping());
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}

async function untilClusterOk(port: number, masters: number, deadline: number): Promise<void> {
  for (;;) {
    const info = await withNode(port, (r) => r.cluster('INFO'));
    if (/cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info) && new RegExp(`cluster_known_nodes:${masters}\\b`).test(info)) return;
    if (Date.now() > deadline) throw new Error(`node ${port} not ready: ${info.split(/\r?\n/).slice(0, 7).join(' ')}`);
    await sleep(50);
  }
}

/** A short-lived plain connection to one node (no retries), closed after `fn`. */
export async function withNode<T>(port: number, fn: (redis: Redis) => Promise<T>, host = HOST): Promise<T> {
  const redis = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined); // a refused connect rejects connect() below
  try {
    await redis.connect();
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}

function logTail(dir: string): string {
  try {
    return readFileSync(join(dir, 'redis.log'), 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
