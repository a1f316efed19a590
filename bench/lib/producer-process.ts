import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './worker-process.js';

export type ProducerMessage =
  | { type: 'ready' }
  | { type: 'published'; base: string; count: number }
  | { type: 'done'; sent: number; ms: number };

export interface ProducerProcess {
  /** Starts publishing; `onMessage` sees every 'published' and the final 'done'. */
  run(job: { rate: number; count: number; packSize?: number }): Promise<{ sent: number; ms: number }>;
  stop(): Promise<void>;
}

/**
 * Starts a load child of bench/children (through tsx: `producer`, publish(trade) calls; or
 * `ingest-client`, HTTPS ingest clients) and resolves once it is connected. Keeping the load in a
 * process of its own leaves the bench process to measure (poll ClickHouse) only.
 */
export async function startProducer(env: Record<string, string>, onPublished: (base: bigint, count: number) => void, child_: 'producer' | 'ingest-client' = 'producer'): Promise<ProducerProcess> {
  const script = fileURLToPath(new URL(`../children/${child_}.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env, cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let onDone: (result: { sent: number; ms: number }) => void = () => {};
  const done = new Promise<{ sent: number; ms: number }>((resolve, reject) => {
    onDone = resolve;
    void exited.then((code) => reject(new Error(`producer exited with ${code} before it was done: ${stderr.trim().split('\n').pop() ?? ''}`)));
  });
  done.catch(() => undefined);
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.on('message', (message: ProducerMessage) => {
    if (message.type === 'ready') onReady();
    else if (message.type === 'published') onPublished(BigInt(message.base), message.count);
    else if (message.type === 'done') onDone({ sent: message.sent, ms: message.ms });
  });
  const outcome = await Promise.race([ready.then(() => 'ready'), exited.then((code) => `exited with ${code}`)]);
  if (outcome !== 'ready') throw new Error(`producer did not start (${outcome}): ${stderr.trim()}`);
  return {
    run(job) {
      child.send({ type: 'start', ...job });
      return done;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
