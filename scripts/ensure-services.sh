#!/usr/bin/env bash
# Installs and starts what the tests need on a Debian machine: clickhouse-server (from Debian)
# and Redis on 127.0.0.1:6379. Idempotent; never stops a running service.
set -euo pipefail

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v clickhouse-server >/dev/null || [ -x /usr/sbin/clickhouse-server ] || apt_install clickhouse-server clickhouse-client
command -v redis-server >/dev/null || apt_install redis-server
command -v curl >/dev/null || apt_install curl
command -v openssl >/dev/null || apt_install openssl
# promtool (alert-rule tests) and Chromium (browser tests of the dashboard, driven by playwright-core).
command -v promtool >/dev/null || apt_install --no-install-recommends prometheus
[ -x /usr/bin/chromium ] || apt_install chromium

if ! curl -sf http://127.0.0.1:8123/ping >/dev/null; then
  echo "starting clickhouse-server"
  mkdir -p /var/lib/clickhouse /var/log/clickhouse-server
  chown -R clickhouse:clickhouse /var/lib/clickhouse /var/log/clickhouse-server 2>/dev/null || true
  (cd /var/lib/clickhouse && start-stop-daemon --start --background --chuid clickhouse \
    --exec /usr/sbin/clickhouse-server -- --config-file=/etc/clickhouse-server/config.xml)
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:8123/ping >/dev/null && break; sleep 0.2; done
  curl -sf http://127.0.0.1:8123/ping >/dev/null || { echo "clickhouse-server did not start"; tail -20 /var/log/clickhouse-server/clickhouse-server.err.log || true; exit 1; }
fi
echo "clickhouse $(curl -sf 'http://127.0.0.1:8123/?query=SELECT%20version()')"

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting redis-server"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 50); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "redis $(redis-cli -h 127.0.0.1 -p 6379 ping)"
