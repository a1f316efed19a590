import { ConfigError } from '../errors/index.js';

export type DashboardRole = 'viewer' | 'operator';

/** A dashboard login: name, role, and a password hash from `trade-sync dashboard hash-password`. */
export interface DashboardUser {
  readonly name: string;
  readonly role: DashboardRole;
  /** `scrypt$N$r$p$salt$hash` (base64url); never the password. */
  readonly passwordHash: string;
}

const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;
const HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{32,}$/;

function user(name: unknown, role: unknown, passwordHash: unknown, origin: string): DashboardUser {
  if (typeof name !== 'string' || !NAME.test(name)) throw new ConfigError(`${origin}: user name "${String(name)}" must be 1-64 of [A-Za-z0-9_.@-]`);
  if (role !== 'viewer' && role !== 'operator') throw new ConfigError(`${origin}: the role of "${name}" must be viewer or operator`);
  if (typeof passwordHash !== 'string' || !HASH.test(passwordHash)) {
    throw new ConfigError(`${origin}: the password of "${name}" must be a hash from \`trade-sync dashboard hash-password\` (scrypt$...)`);
  }
  return { name, role, passwordHash };
}

/**
 * Parses `name:role:hash,name2:role2:hash2` (TRADE_SYNC_DASHBOARD_USERS) or a JSON array of
 * `{ "name", "role", "passwordHash" }` (TRADE_SYNC_DASHBOARD_USERS_FILE). Names are unique.
 */
export function parseDashboardUsers(source: string | unknown[], origin: string): DashboardUser[] {
  const users =
    typeof source === 'string'
      ? source
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
          .map((entry) => {
            const [name, role, ...rest] = entry.split(':');
            return user(name, role, rest.join(':'), origin);
          })
      : source.map((entry) => {
          const e = (entry ?? {}) as Record<string, unknown>;
          return user(e.name, e.role, e.passwordHash, origin);
        });
  const seen = new Set<string>();
  for (const u of users) {
    if (seen.has(u.name)) throw new ConfigError(`${origin}: user "${u.name}" is given twice`);
    seen.add(u.name);
  }
  return users;
}
