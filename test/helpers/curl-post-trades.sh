#!/usr/bin/env bash
# A client that is not trade-sync code: signs each trade with the openssl command line and posts
# them as NDJSON with curl, exactly as README's "Ingest (HTTPS)" section shows.
# Env: INGEST_URL, KID, SECRET, CACERT, TRADES_FILE (one trade JSON per line), BODY_FILE (where the
# signed request body is written); optional CLIENT_CERT + CLIENT_KEY (mutual TLS).
# Prints the response body, then the HTTP status on a line of its own.
set -euo pipefail

: > "$BODY_FILE"
while IFS= read -r PAYLOAD || [ -n "$PAYLOAD" ]; do
  [ -z "$PAYLOAD" ] && continue
  NONCE=$(openssl rand -hex 16)
  SENT_AT_NS=$(date +%s%N)
  SIG=$(printf 'trade-sync.v1\n%s\n%s\n%s\n%s' "$KID" "$NONCE" "$SENT_AT_NS" "$PAYLOAD" \
        | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1)
  ESCAPED=${PAYLOAD//\\/\\\\}
  ESCAPED=${ESCAPED//\"/\\\"}
  printf '{"kid":"%s","nonce":"%s","sent_at_ns":"%s","sig":"%s","payload":"%s"}\n' \
    "$KID" "$NONCE" "$SENT_AT_NS" "$SIG" "$ESCAPED" >> "$BODY_FILE"
done < "$TRADES_FILE"

MTLS=()
if [ -n "${CLIENT_CERT:-}" ]; then MTLS=(--cert "$CLIENT_CERT" --key "$CLIENT_KEY"); fi
curl -sS --cacert "$CACERT" "${MTLS[@]}" -H 'content-type: application/x-ndjson' \
  --data-binary @"$BODY_FILE" -w '\n%{http_code}\n' "$INGEST_URL/v1/trades"
