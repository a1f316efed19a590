import type { PeerCertificate } from 'node:tls';
import type { ClientIdentity } from './ingest-request.js';

/** Subject CN, then each subjectAltName value without its `DNS:` / `URI:` / `email:` / `IP Address:` prefix. */
export function clientIdentityOf(cert: PeerCertificate): ClientIdentity {
  const names: string[] = [];
  const cn = cert.subject?.CN;
  if (typeof cn === 'string' && cn !== '') names.push(cn);
  else if (Array.isArray(cn)) names.push(...cn.filter((n): n is string => typeof n === 'string'));
  for (const entry of (cert.subjectaltname ?? '').split(',')) {
    const at = entry.indexOf(':');
    const value = at < 0 ? '' : entry.slice(at + 1).trim();
    if (value !== '') names.push(value);
  }
  return { names };
}

/**
 * The key ids a client may sign with: every key (`'any'`) without mutual TLS or without a
 * TRADE_SYNC_INGEST_CLIENT_KIDS map, else the union of the kids mapped to any of its names
 * (an empty set when none is mapped).
 */
export function allowedKids(client: ClientIdentity | undefined, map: Readonly<Record<string, readonly string[]>> | undefined): ReadonlySet<string> | 'any' {
  if (client === undefined || map === undefined) return 'any';
  const kids = new Set<string>();
  for (const name of client.names) for (const kid of Object.hasOwn(map, name) ? (map[name] ?? []) : []) kids.add(kid);
  return kids;
}
