#!/usr/bin/env bash
# A throwaway PostgreSQL 15 on loopback for the tests: install (apt-get) if missing, start, stop.
#   scripts/services/postgres.sh start   -> prints the admin URL on stdout
#   scripts/services/postgres.sh stop
# ATRIUM_TEST_PG_AUTH=scram: the superuser `postgres` keeps trust auth, every other role must give
# its password (scram-sha-256) over TCP, so tests can check a wrong password is refused.
set -euo pipefail
ROOT="${ATRIUM_TEST_SERVICES_DIR:-/tmp/atrium-test-services}"
DIR="$ROOT/postgres"
# A free port unless one is given, so two runs on one machine do not collide.
PORT="${ATRIUM_TEST_PG_PORT:-$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}"
BIN=""

find_bin() {
  for v in 15 16 17; do
    if [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then BIN="/usr/lib/postgresql/$v/bin"; return 0; fi
  done
  return 1
}

install() {
  if find_bin; then return 0; fi
  echo "postgres.sh: installing PostgreSQL with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  find_bin || { echo "postgres.sh: PostgreSQL binaries not found after install" >&2; exit 1; }
}

as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

start() {
  install
  stop >/dev/null 2>&1 || true
  rm -rf "$DIR"; mkdir -p "$DIR"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$ROOT" "$DIR"; chmod 755 "$ROOT"; fi
  as_pg "'$BIN/initdb' -D '$DIR/data' --auth=trust --username=postgres -E UTF8 --locale=C.UTF-8 >'$DIR/initdb.log' 2>&1" \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
  if [ "${ATRIUM_TEST_PG_AUTH:-trust}" = scram ]; then
    printf '%s\n' 'local all all trust' \
      'host all postgres 127.0.0.1/32 trust' 'host all postgres ::1/128 trust' \
      'host all all 127.0.0.1/32 scram-sha-256' 'host all all ::1/128 scram-sha-256' >"$DIR/data/pg_hba.conf"
  fi
  as_pg "'$BIN/pg_ctl' -D '$DIR/data' -l '$DIR/server.log' -w -t 60 -o \"-c listen_addresses=127.0.0.1 -p $PORT -k '$DIR' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start >&2" \
    || { cat "$DIR/server.log" >&2; exit 1; }
  echo "postgres://postgres@127.0.0.1:$PORT/postgres"
}

stop() {
  find_bin || return 0
  [ -d "$DIR/data" ] || return 0
  as_pg "'$BIN/pg_ctl' -D '$DIR/data' -m immediate -w stop" >&2 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  install) install ;;
  *) echo "usage: $0 start|stop|install" >&2; exit 2 ;;
esac
