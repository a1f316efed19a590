import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { SpillError } from '../errors/index.js';
import type { Logger } from '../logger.js';
import { withAttachedSpills } from './attached-spills.js';
import { DuckDbSpillFile } from './duckdb-spill-file.js';
import type { SpillDirectory } from './spill-directory.js';
import { SPILL_PACKS_COLUMNS, SPILL_SCHEMA_VERSION } from './spill-schema.js';

/** Layout: MAGIC (8) | IV (12) | GCM tag (16) | AES-256-GCM ciphertext of a DuckDB spill file. */
const MAGIC = Buffer.from('TSYNCBK1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + IV_BYTES + TAG_BYTES;

const quote = (path: string) => `'${path.replace(/'/g, "''")}'`;

/** Copies every spill row into one DuckDB file and writes it encrypted and authenticated to `target` (0600). */
export async function backupSpill(directory: SpillDirectory, key: Buffer, target: string): Promise<number> {
  const plain = `${target}.plain-${process.pid}.duckdb`;
  const staging = `${target}.tmp-${process.pid}`;
  try {
    const rows = await withAttachedSpills(directory, async (c, sources) => {
      await c.run(`ATTACH ${quote(plain)} AS backup`);
      await c.run('CREATE TABLE backup.spill_meta (version INTEGER NOT NULL)');
      await c.run(`INSERT INTO backup.spill_meta VALUES (${SPILL_SCHEMA_VERSION})`);
      await c.run(`CREATE TABLE backup.spill_rows AS ${sources.map((s) => `SELECT * FROM ${s}.spill_rows`).join(' UNION ALL ')}`);
      await c.run(`CREATE TABLE backup.spill_packs ${SPILL_PACKS_COLUMNS}`);
      const withPacks = await c.runAndReadAll("SELECT database_name, schema_name FROM duckdb_tables() WHERE table_name = 'spill_packs' AND database_name != 'backup'");
      for (const [database, schema] of withPacks.getRowsJS()) await c.run(`INSERT OR IGNORE INTO backup.spill_packs SELECT * FROM ${String(database)}.${String(schema)}.spill_packs`);
      const n = Number((await c.runAndReadAll('SELECT count(*) FROM backup.spill_rows')).getRowsJS()[0]?.[0] ?? 0);
      await c.run('DETACH backup');
      return n;
    });
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.concat([MAGIC, iv]));
    const out = createWriteStream(staging, { mode: 0o600 });
    out.write(Buffer.concat([MAGIC, iv, Buffer.alloc(TAG_BYTES)]));
    await pipeline(createReadStream(plain), cipher, out);
    const handle = await open(staging, 'r+');
    await handle.write(cipher.getAuthTag(), 0, TAG_BYTES, MAGIC.length + IV_BYTES);
    await handle.sync();
    await handle.close();
    await rename(staging, target);
    return rows;
  } finally {
    await Promise.all([rm(plain, { force: true }), rm(`${plain}.wal`, { force: true }), rm(staging, { force: true })]);
  }
}

/**
 * Decrypts a backup; only when its tag verifies is the DuckDB file moved into the spill
 * directory, as an unowned file that live workers (or `trade-sync drain`) replay. Tampering,
 * truncation or a wrong key raise SPILL_BACKUP_INVALID and restore nothing.
 */
export async function restoreSpill(directory: SpillDirectory, key: Buffer, source: string, log: Logger): Promise<{ path: string; rows: number }> {
  const handle = await open(source, 'r');
  const { size } = await handle.stat();
  const header = Buffer.alloc(HEADER_BYTES);
  await handle.read(header, 0, HEADER_BYTES, 0);
  await handle.close();
  if (size < HEADER_BYTES || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SpillError('SPILL_BACKUP_INVALID', `${source} is not a trade-sync spill backup`);
  }
  const iv = header.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.concat([MAGIC, iv]));
  decipher.setAuthTag(header.subarray(MAGIC.length + IV_BYTES));
  const target = directory.unownedPath('restore');
  const staging = `${target}.staging`;
  try {
    await pipeline(createReadStream(source, { start: HEADER_BYTES }), decipher, createWriteStream(staging, { mode: 0o600 }));
  } catch (err) {
    await rm(staging, { force: true });
    throw new SpillError('SPILL_BACKUP_INVALID', `${source} failed authentication (tampered, truncated or another key): nothing restored`, err);
  }
  await rename(staging, target);
  const file = new DuckDbSpillFile(target, log);
  const rows = await file.count();
  await file.close();
  return { path: target, rows };
}
