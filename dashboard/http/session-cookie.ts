/** Cookie name: `__Host-` prefixed when served over TLS (then also Secure, Path=/ and host-only). */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-trade-sync-session' : 'trade-sync-session';
}

/** Set-Cookie for a session: HttpOnly, SameSite=Strict, Path=/, Max-Age, Secure over TLS. */
export function sessionCookie(id: string, maxAgeMs: number, secure: boolean): string {
  return `${sessionCookieName(secure)}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${sessionCookieName(secure)}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** The value of cookie `name` in a Cookie header, if any. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
