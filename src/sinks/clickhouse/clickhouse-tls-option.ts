import type { ClickHouseClientConfigOptions } from '@clickhouse/client';
import type { TlsMaterial } from '../../config/tls-material.js';

/**
 * The client's `tls` option for `https://` nodes with TRADE_SYNC_CLICKHOUSE_TLS_* files: the CA
 * alone (server verified), or CA + client certificate + key (mutual TLS). `{}` when none is set.
 */
export function clickhouseTlsOption(tls: TlsMaterial | undefined): Pick<ClickHouseClientConfigOptions, 'tls'> {
  if (tls?.ca === undefined) return {};
  if (tls.cert !== undefined && tls.key !== undefined) return { tls: { ca_cert: tls.ca, cert: tls.cert, key: tls.key } };
  return { tls: { ca_cert: tls.ca } };
}
