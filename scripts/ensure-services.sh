#!/usr/bin/env bash
# Installs and starts what trade-sync needs on a Debian machine, one progress line per step:
# clickhouse-server and Redis on 127.0.0.1 (8123, 6379); for the tests also curl, openssl,
# promtool, Chromium and ZooKeeper (Debian's jars, with a Java runtime: the ClickHouse cluster
# tests in test/cluster/ start a private one; no ZooKeeper service is started here). Idempotent; never stops a running service. Used by `npm test` (pretest),
# .ci/run and `trade-sync up` (which passes --runtime).
#
#   --runtime         only what running trade-sync needs (ClickHouse, Redis), not the test tools
#   --install-only    install what is missing, start nothing (`up` starts its own servers)
#   --dry-run         print the plan (what is missing and would be installed or started), change nothing
#   --assume-missing a,b
#                     with --dry-run: plan as if these commands were not installed (to test the plan)
# Where it cannot install (not root, or not Debian/Ubuntu) it prints the one command to run and
# exits with status 3. ENSURE_SERVICES_UID and ENSURE_SERVICES_OS_RELEASE override `id -u` and
# /etc/os-release (for tests of those answers).
set -euo pipefail

runtime=0
install_only=0
dry_run=0
assume_missing=","
while [ $# -gt 0 ]; do
  case "$1" in
    --runtime) runtime=1 ;;
    --install-only) install_only=1 ;;
    --dry-run) dry_run=1 ;;
    --assume-missing) assume_missing=",${2:-},"; shift ;;
    *) echo "ensure-services: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

step=0
say() { step=$((step + 1)); echo "[ensure-services] step ${step}: $*"; }

has() {
  case "$assume_missing" in *",$1,"*) return 1 ;; esac
  # zookeeper is a library package (no command): its jar, and java to run it.
  if [ "$1" = zookeeper ]; then [ -r /usr/share/java/zookeeper.jar ] && command -v java >/dev/null 2>&1; return; fi
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]
}

# What is missing, as Debian packages.
packages=()
need() { # need COMMAND PACKAGE...
  local cmd="$1"; shift
  if has "$cmd"; then say "$cmd: installed"; else say "$cmd: missing (package $*)"; packages+=("$@"); fi
}
need clickhouse-server clickhouse-server clickhouse-client
need redis-server redis-server
need curl curl
if [ "$runtime" = 0 ]; then
  need openssl openssl
  need promtool --no-install-recommends prometheus
  need chromium chromium
  need zookeeper zookeeper
fi

if [ ${#packages[@]} -gt 0 ]; then
  os_release="${ENSURE_SERVICES_OS_RELEASE:-/etc/os-release}"
  debian=0
  if [ -r "$os_release" ] && grep -Eqi '^(ID|ID_LIKE)=.*(debian|ubuntu)' "$os_release"; then debian=1; fi
  uid="${ENSURE_SERVICES_UID:-$(id -u)}"
  install_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${packages[*]}"
  if [ "$debian" = 0 ]; then
    say "cannot install here (not Debian or Ubuntu): install ClickHouse and Redis with your system's packages, then run this again. Missing: ${packages[*]}"
    exit 3
  fi
  if [ "$uid" != 0 ]; then
    say "cannot install as a non-root user; run: sudo bash -c '${install_cmd}'"
    exit 3
  fi
  if [ "$dry_run" = 1 ]; then
    say "would run: ${install_cmd}"
  else
    say "installing ${packages[*]} (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
    say "installed ${packages[*]}"
  fi
fi

if [ "$install_only" = 1 ]; then
  [ "$dry_run" = 1 ] && say "dry run: nothing was changed"
  exit 0
fi

if [ "$dry_run" = 1 ]; then
  ping_ok() { [ "${assume_missing#*,clickhouse-server,}" = "$assume_missing" ] && has curl && curl -sf http://127.0.0.1:8123/ping >/dev/null; }
  if ping_ok; then say "clickhouse-server: running on 127.0.0.1:8123"; else say "would start clickhouse-server on 127.0.0.1:8123"; fi
  if [ "${assume_missing#*,redis-server,}" = "$assume_missing" ] && has redis-cli && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "redis-server: running on 127.0.0.1:6379"
  else
    say "would start redis-server on 127.0.0.1:6379"
  fi
  say "dry run: nothing was changed"
  exit 0
fi

if ! curl -sf http://127.0.0.1:8123/ping >/dev/null; then
  say "starting clickhouse-server on 127.0.0.1:8123"
  mkdir -p /var/lib/clickhouse /var/log/clickhouse-server
  chown -R clickhouse:clickhouse /var/lib/clickhouse /var/log/clickhouse-server 2>/dev/null || true
  (cd /var/lib/clickhouse && start-stop-daemon --start --background --chuid clickhouse \
    --exec /usr/sbin/clickhouse-server -- --config-file=/etc/clickhouse-server/config.xml)
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:8123/ping >/dev/null && break; sleep 0.2; done
  curl -sf http://127.0.0.1:8123/ping >/dev/null || { echo "clickhouse-server did not start"; tail -20 /var/log/clickhouse-server/clickhouse-server.err.log || true; exit 1; }
fi
say "clickhouse $(curl -sf 'http://127.0.0.1:8123/?query=SELECT%20version()') on 127.0.0.1:8123"

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  say "starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 50); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
say "redis $(redis-cli -h 127.0.0.1 -p 6379 ping) on 127.0.0.1:6379"
