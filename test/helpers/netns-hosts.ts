import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { freeSubnet } from './free-subnet.js';
import { onCleanup } from './on-cleanup.js';

const execIp = promisify(execFile);

/** One simulated host: a network namespace with its own IP on the test's bridge. */
export interface NetnsHost {
  /** The namespace, `ts-<id>-<name>`. */
  readonly ns: string;
  readonly ip: string;
}

/** Two or more hosts on one bridge; the bridge's address is the root namespace's (where Redis and ClickHouse listen). */
export interface NetnsHosts {
  /** The random part of every name this run created (namespaces `ts-<id>-*`, bridge `tsbr<id>`, veths `ts<id>*`). */
  readonly id: string;
  readonly bridgeIp: string;
  /** The bridge's network, `10.x.y.0/24`. */
  readonly subnet: string;
  readonly hosts: Readonly<Record<string, NetnsHost>>;
  /** Spawns `cmd args` inside the host's namespace with exactly `env`; its pid is the command's own. */
  run(host: string, cmd: string, args: readonly string[], env: Record<string, string>): ChildProcess;
  /** Pids of every process in the host's namespace (its supervisor and all their children). */
  pids(host: string): Promise<number[]>;
  /** Signals every process in the namespace until none is left; returns the pids it signalled. */
  killAll(host: string, signal?: NodeJS.Signals): Promise<number[]>;
  /** Kills every process in every namespace (-9), deletes the namespaces and the bridge; idempotent. */
  cleanup(): Promise<void>;
}

/** Thrown when this machine cannot create namespaces (not root, no kernel support); the message is the exact cause. */
export class NetnsUnavailableError extends Error {}

/** Network namespaces `names` (default a, b) on a fresh bridge; removed in the test's cleanup even when it fails. */
export async function netnsHostsFor(t: TestContext, names: readonly string[] = ['a', 'b']): Promise<NetnsHosts> {
  const hosts = await createNetnsHosts(names);
  onCleanup(t, () => hosts.cleanup());
  return hosts;
}

const ip = async (...args: string[]) => (await execIp('ip', args)).stdout;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const live = new Set<() => void>();
// A test process that exits without its cleanup (a failed before hook) leaves no namespace behind.
process.once('exit', () => {
  for (const teardown of live) teardown();
});

export async function createNetnsHosts(names: readonly string[]): Promise<NetnsHosts> {
  if (process.getuid?.() !== 0) throw new NetnsUnavailableError(`network namespaces need root; this test runs as uid ${process.getuid?.()}`);
  const id = randomBytes(3).toString('hex');
  const bridge = `tsbr${id}`;
  const { prefix } = await freeSubnet().catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ENOENT' ? new NetnsUnavailableError(`the ip command (iproute2) is not installed: ${err.message}`) : err;
  });
  const bridgeIp = `${prefix}.1`;
  const hosts: Record<string, NetnsHost> = {};
  names.forEach((name, i) => (hosts[name] = { ns: `ts-${id}-${name}`, ip: `${prefix}.${i + 2}` }));
  const created = { bridge: false, namespaces: [] as string[], veths: [] as string[] };
  const children = new Set<ChildProcess>();
  let cleaned: Promise<void> | undefined;

  const pidsOf = (ns: string): number[] => {
    try {
      return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    } catch {
      return []; // no such namespace (any more)
    }
  };
  const killNs = (ns: string, signal: NodeJS.Signals): number[] => {
    const pids = pidsOf(ns);
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // exited meanwhile
      }
    }
    return pids;
  };
  const hostNamed = (name: string): NetnsHost => {
    const host = hosts[name];
    if (host === undefined) throw new Error(`no host "${name}" (hosts: ${Object.keys(hosts).join(', ')})`);
    return host;
  };
  const self: NetnsHosts = {
    id,
    bridgeIp,
    subnet: `${prefix}.0/24`,
    hosts,
    run(name, cmd, args, env) {
      const child = spawn('ip', ['netns', 'exec', hostNamed(name).ns, cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    pids: async (name) => pidsOf(hostNamed(name).ns),
    async killAll(name, signal = 'SIGKILL') {
      const { ns } = hostNamed(name);
      const signalled = new Set<number>();
      for (let round = 0; round < 100; round++) {
        const pids = killNs(ns, signal);
        if (pids.length === 0) return [...signalled];
        pids.forEach((p) => signalled.add(p));
        await sleep(50);
      }
      throw new Error(`processes of ${ns} still alive after ${signal}: ${pidsOf(ns).join(', ')}`);
    },
    cleanup() {
      const killChildren = () => {
        for (const ns of created.namespaces) killNs(ns, 'SIGKILL');
        for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      };
      const tearDown = async () => {
        killChildren();
        for (const ns of created.namespaces) for (let i = 0; i < 100 && pidsOf(ns).length > 0; i++) await sleep(50);
        teardownSync();
      };
      return (cleaned ??= tearDown());
    },
  };
  /** Kills what is left and deletes the veths, the namespaces and the bridge. */
  const teardownSync = () => {
    live.delete(teardownSync);
    const failures: string[] = [];
    const attempt = (args: string[]) => {
      try {
        execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (err) {
        failures.push(`ip ${args.join(' ')}: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`);
      }
    };
    // Each veth pair explicitly: a deleted namespace takes its ends with it only later (the kernel's netns cleanup is deferred).
    for (const veth of created.veths.splice(0)) attempt(['link', 'del', veth]);
    for (const ns of created.namespaces.splice(0)) {
      killNs(ns, 'SIGKILL');
      attempt(['netns', 'del', ns]);
    }
    if (created.bridge) attempt(['link', 'del', bridge]);
    created.bridge = false;
    if (failures.length > 0) throw new Error(`network namespace cleanup: ${failures.join('; ')}`);
  };
  live.add(teardownSync);
  try {
    await ipWithModule('bridge', ['link', 'add', bridge, 'type', 'bridge']);
    created.bridge = true;
    await ip('addr', 'add', `${bridgeIp}/24`, 'dev', bridge);
    await ip('link', 'set', bridge, 'up');
    for (const [i, host] of Object.values(hosts).entries()) {
      await ip('netns', 'add', host.ns);
      created.namespaces.push(host.ns);
      const [outside, inside] = [`ts${id}h${i}`, `ts${id}n${i}`];
      await ipWithModule('veth', ['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside]);
      created.veths.push(outside);
      await ip('link', 'set', inside, 'netns', host.ns);
      await ip('link', 'set', outside, 'master', bridge);
      await ip('link', 'set', outside, 'up');
      await ip('-n', host.ns, 'addr', 'add', `${host.ip}/24`, 'dev', inside);
      await ip('-n', host.ns, 'link', 'set', inside, 'up');
      await ip('-n', host.ns, 'link', 'set', 'lo', 'up');
    }
  } catch (err) {
    await self.cleanup().catch(() => undefined);
    const message = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new NetnsUnavailableError(`cannot create network namespaces here: ${message}`);
  }
  return self;
}

/** `ip ARGS`; when it fails, loads the kernel module (`modprobe`) and tries once more. */
async function ipWithModule(module: string, args: string[]): Promise<void> {
  try {
    await ip(...args);
  } catch (first) {
    const loaded = await execIp('modprobe', [module]).then(() => true, () => false);
    if (!loaded) throw first;
    await ip(...args);
  }
}
