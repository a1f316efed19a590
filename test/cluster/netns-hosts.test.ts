import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { createNetnsHosts, NetnsUnavailableError, type NetnsHosts } from '../helpers/netns-hosts.js';

/** A TCP server on `host` that answers every connection with "hello". */
async function helloServer(host: string): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.end('hello'));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  assert.ok(typeof address === 'object' && address !== null);
  return { server, port: address.port };
}

/** Runs a node one-liner in the host's namespace that connects to host:port; resolves with what it printed. */
function connectFrom(hosts: NetnsHosts, name: string, host: string, port: number): Promise<string> {
  const script = `const s=require('net').connect(${port},'${host}');let d='';s.setTimeout(2000,()=>{console.log('timeout');process.exit()});s.on('data',c=>d+=c);s.on('end',()=>console.log(d));s.on('error',e=>console.log(e.code))`;
  const child = hosts.run(name, process.execPath, ['-e', script], { PATH: process.env.PATH ?? '/usr/bin:/bin' });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('close', () => resolve(out.trim())));
}

const names = () => execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }) + execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });

test('network-namespace hosts: each reaches the bridge address, not the root namespace loopback; cleanup removes every process, namespace and link', async (t) => {
  let hosts: NetnsHosts;
  try {
    hosts = await createNetnsHosts(['a', 'b']);
  } catch (err) {
    if (err instanceof NetnsUnavailableError) return t.skip(err.message);
    throw err;
  }
  const onBridge = await helloServer(hosts.bridgeIp);
  const onLoopback = await helloServer('127.0.0.1');
  t.after(() => {
    onBridge.server.close();
    onLoopback.server.close();
  });
  let left: ChildProcess | undefined;
  try {
    assert.equal(await connectFrom(hosts, 'a', hosts.bridgeIp, onBridge.port), 'hello');
    assert.equal(await connectFrom(hosts, 'b', hosts.bridgeIp, onBridge.port), 'hello');
    assert.equal(await connectFrom(hosts, 'a', '127.0.0.1', onLoopback.port), 'ECONNREFUSED', 'a namespace has a loopback of its own');
    assert.notEqual(hosts.hosts.a?.ip, hosts.hosts.b?.ip);

    const sleeper = hosts.run('b', 'sleep', ['600'], { PATH: process.env.PATH ?? '/usr/bin:/bin' });
    await new Promise((resolve) => sleeper.once('spawn', resolve));
    assert.deepEqual(await hosts.pids('b'), [sleeper.pid]);
    assert.deepEqual(await hosts.killAll('b'), [sleeper.pid]);
    assert.deepEqual(await hosts.pids('b'), []);
    left = hosts.run('a', 'sleep', ['600'], { PATH: process.env.PATH ?? '/usr/bin:/bin' });
    await new Promise((resolve) => left?.once('spawn', resolve));
  } finally {
    await hosts.cleanup();
  }
  assert.equal(left.signalCode ?? (await new Promise((resolve) => left?.once('exit', (_, signal) => resolve(signal)))), 'SIGKILL', 'cleanup killed the process left running');
  assert.ok(!names().includes(hosts.id), `no namespace, bridge or veth named with ${hosts.id} is left`);
});
