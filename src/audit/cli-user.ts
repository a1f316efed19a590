import { userInfo } from 'node:os';

/** The OS user running a CLI command, as the audit trail names them. */
export function cliUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}
