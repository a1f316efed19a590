/**
 * Aggregates V8 .cpuprofile files (from `node --cpu-prof`, e.g. `npm run bench -- --cpu-prof DIR`)
 * by function self time, and by where the code lives (our src/, a package, node internals).
 *
 *   node --import tsx bench/tools/cpuprofile-top.ts [--top N] FILE.cpuprofile [...]
 *
 * Several files are summed (e.g. one scenario's worker across runs).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const files = args.filter((a, i) => a !== '--top' && i !== topAt + 1);
if (files.length === 0) {
  process.stderr.write('usage: cpuprofile-top.ts [--top N] FILE.cpuprofile [...]\n');
  process.exit(2);
}

/** Where a function lives: "src/worker", "bullmq", "node:internal", "(gc)". */
function placeOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  if (url.startsWith('node:')) return 'node:internal';
  const ours = /\/(src|queues|bench|bin)\/(?:([^/]+)\/)?/.exec(url);
  if (ours?.[1] !== undefined) return ours[2] !== undefined && !ours[2].includes('.') ? `${ours[1]}/${ours[2]}` : ours[1];
  return url.replace(/^file:\/\//, '');
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/(node_modules|src|queues|bench|bin)\//, '$1/').replace(/^node:/, 'node:');
}

const byFunction = new Map<string, { ms: number; name: string; where: string }>();
const byPlace = new Map<string, number>();
/** Self time charged to the nearest caller in a package or in our code (so a socket write counts for ioredis). */
const byOwner = new Map<string, number>();
/** Self time charged to the nearest caller in our code or in bullmq (who issued the Redis command, the zod parse…). */
const byIssuer = new Map<string, number>();
const ISSUER = /^(src|queues|bench|bin)(\/|$)|^bullmq$/;
let totalMs = 0;
let idleMs = 0;

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const ownerOf = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = nodes.get(at)?.callFrame;
      if (frame === undefined) break;
      const place = placeOf(frame.url, frame.functionName);
      if (frame.url !== '' && place !== 'node:internal') return place;
    }
    const own = nodes.get(id)?.callFrame;
    return own === undefined ? '(unknown)' : placeOf(own.url, own.functionName);
  };
  const issuerOf = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = nodes.get(at)?.callFrame;
      if (frame === undefined) break;
      const place = placeOf(frame.url, frame.functionName);
      if (ISSUER.test(place)) return place;
    }
    return ownerOf(id);
  };
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's time is the gap to the next sample (V8's timeDeltas[i] is the gap before sample i).
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
  }
  for (const [id, us] of selfUs) {
    const node = nodes.get(id);
    if (node === undefined) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const ms = us / 1000;
    if (name === '(idle)') {
      idleMs += ms;
      continue;
    }
    totalMs += ms;
    const where = url === '' ? '' : `${shortUrl(url)}:${lineNumber + 1}`;
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { ms: 0, name, where };
    entry.ms += ms;
    byFunction.set(key, entry);
    const place = placeOf(url, name);
    byPlace.set(place, (byPlace.get(place) ?? 0) + ms);
    const owner = ownerOf(id);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + ms);
    const issuer = issuerOf(id);
    byIssuer.set(issuer, (byIssuer.get(issuer) ?? 0) + ms);
  }
}

const pct = (ms: number) => `${((ms / totalMs) * 100).toFixed(1).padStart(5)}%`;
const out: string[] = [];
out.push(`${files.length} profile(s): ${(totalMs / 1000).toFixed(2)} s on CPU, ${(idleMs / 1000).toFixed(2)} s idle`);
out.push('', `top ${top} functions by self time:`, `${'self ms'.padStart(9)}  ${'share'.padStart(6)}  function  (location)`);
for (const f of [...byFunction.values()].sort((a, b) => b.ms - a.ms).slice(0, top)) {
  out.push(`${f.ms.toFixed(0).padStart(9)}  ${pct(f.ms)}  ${f.name}${f.where ? `  (${f.where})` : ''}`);
}
out.push('', 'self time by place:', `${'self ms'.padStart(9)}  ${'share'.padStart(6)}  place`);
for (const [place, ms] of [...byPlace.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  out.push(`${ms.toFixed(0).padStart(9)}  ${pct(ms)}  ${place}`);
}
out.push('', 'self time charged to the nearest caller in a package or in our code (node internals and natives go to their caller):', `${'ms'.padStart(9)}  ${'share'.padStart(6)}  owner`);
for (const [owner, ms] of [...byOwner.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  out.push(`${ms.toFixed(0).padStart(9)}  ${pct(ms)}  ${owner}`);
}
out.push('', 'self time charged to the nearest caller in our code or in bullmq (libraries they call, e.g. ioredis or zod, count for them):', `${'ms'.padStart(9)}  ${'share'.padStart(6)}  issuer`);
for (const [issuer, ms] of [...byIssuer.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  out.push(`${ms.toFixed(0).padStart(9)}  ${pct(ms)}  ${issuer}`);
}
process.stdout.write(`${out.join('\n')}\n`);
