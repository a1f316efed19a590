// `npm run build` (npm install runs it too): compiles src/, queues/, workers/ and dashboard/ into
// dist/ and copies the dashboard's static files. bin/trade-sync.js runs dist/ only while its
// stamp is newer than every source file, so a stale build is never run.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = new Date(); // the stamp gets this time: a file saved during the build makes it stale
rmSync(`${root}dist`, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
cpSync(`${root}dashboard/public`, `${root}dist/dashboard/public`, { recursive: true });
// `trade-sync up` runs the same install script as `npm test`, found beside the code (src/local → ../../scripts).
cpSync(`${root}scripts/ensure-services.sh`, `${root}dist/scripts/ensure-services.sh`);
cpSync(`${root}src/orders/lua`, `${root}dist/src/orders/lua`, { recursive: true }); // the orders' Lua scripts, read at run time
const stamp = `${root}dist/.build-stamp`;
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
