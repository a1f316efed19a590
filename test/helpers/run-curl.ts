import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CURL_POST_TRADES = fileURLToPath(new URL('./curl-post-trades.sh', import.meta.url));

export interface CurlResult {
  /** curl's (or bash's) exit code: 0, or e.g. 35/56 for a refused TLS handshake. */
  readonly code: number;
  readonly status: number;
  readonly body: string;
  readonly stderr: string;
}

/** Runs a command and splits curl's `-w '\n%{http_code}\n'` trailer from the body. */
export function runCurl(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile(command, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      const lines = stdout.replace(/\n$/, '').split('\n');
      const status = Number(lines.pop() ?? '0');
      resolve({ code, status: Number.isFinite(status) ? status : 0, body: lines.join('\n'), stderr });
    });
  });
}

/** The script above: signs the trades in `env.TRADES_FILE` with openssl and posts them with curl. */
export function curlPostTrades(env: Record<string, string>): Promise<CurlResult> {
  return runCurl('bash', [CURL_POST_TRADES], env);
}

/** Posts a file as it is (a captured request body) with curl. */
export function curlPostFile(url: string, file: string, tls: { ca: string; cert?: string; key?: string }, extra: readonly string[] = []): Promise<CurlResult> {
  const mtls = tls.cert && tls.key ? ['--cert', tls.cert, '--key', tls.key] : [];
  return runCurl('curl', ['-sS', '--cacert', tls.ca, ...mtls, '-H', 'content-type: application/x-ndjson', '--data-binary', `@${file}`, '-w', '\n%{http_code}\n', ...extra, `${url}/v1/trades`]);
}
