#!/usr/bin/env bash
# A throwaway MariaDB on loopback for the SQL connector tests: install (apt-get) if missing,
# start, stop. The server runs as root from a private datadir, not as the system service.
#   scripts/services/mariadb.sh start   -> prints mysql://atrium:atrium-test-pw@127.0.0.1:PORT/atrium_test
#   scripts/services/mariadb.sh stop
#   scripts/services/mariadb.sh install
# Only the URL goes to stdout; progress and logs go to stderr.
set -euo pipefail
ROOT="${ATRIUM_TEST_SERVICES_DIR:-/tmp/atrium-test-services}"
DIR="$ROOT/mariadb"
DATA="$DIR/data"
SOCK="$DIR/sock"
PIDFILE="$DIR/pid"
USER_NAME="atrium"
USER_PW="atrium-test-pw"
DB_NAME="atrium_test"

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

install() {
  if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then return 0; fi
  echo "mariadb.sh: installing MariaDB with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq mariadb-server >&2
  # Debian's package may start the system service; ours runs from its own datadir instead.
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] \
    || { echo "mariadb.sh: mariadbd not found after install" >&2; exit 1; }
}

mariadbd_bin() { command -v mariadbd 2>/dev/null || echo /usr/sbin/mariadbd; }

admin() { mariadb-admin --no-defaults --socket="$SOCK" --user=root "$@"; }

start() {
  install
  stop >/dev/null 2>&1 || true
  rm -rf "$DIR"; mkdir -p "$DIR"
  local port="${ATRIUM_TEST_MYSQL_PORT:-$(free_port)}"
  mariadb-install-db --no-defaults --datadir="$DATA" --user=root \
    --auth-root-authentication-method=normal --skip-test-db >"$DIR/install.log" 2>&1 \
    || { cat "$DIR/install.log" >&2; exit 1; }
  # setsid + nohup: the server outlives this script and the caller's process group.
  setsid nohup "$(mariadbd_bin)" --no-defaults --datadir="$DATA" --user=root \
    --bind-address=127.0.0.1 --port="$port" --socket="$SOCK" --pid-file="$PIDFILE" \
    --skip-name-resolve --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=0 \
    --max-connections=300 --log-error="$DIR/server.log" </dev/null >/dev/null 2>&1 &
  local i
  for i in $(seq 1 120); do
    if admin --connect-timeout=1 ping >/dev/null 2>&1; then break; fi
    sleep 0.25
  done
  admin --connect-timeout=1 ping >/dev/null 2>&1 \
    || { echo "mariadb.sh: server did not start" >&2; cat "$DIR/server.log" >&2 || true; exit 1; }
  mariadb --no-defaults --socket="$SOCK" --user=root >&2 <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\`;
CREATE USER IF NOT EXISTS '$USER_NAME'@'%' IDENTIFIED BY '$USER_PW';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$USER_NAME'@'%';
FLUSH PRIVILEGES;
SQL
  echo "$port" >"$DIR/port"
  echo "mysql://$USER_NAME:$USER_PW@127.0.0.1:$port/$DB_NAME"
}

stop() {
  [ -d "$DIR" ] || return 0
  if [ -S "$SOCK" ] && admin --connect-timeout=2 shutdown >/dev/null 2>&1; then
    :
  elif [ -f "$PIDFILE" ]; then
    kill "$(cat "$PIDFILE")" 2>/dev/null || true
  fi
  # Wait for the pid to go away so a following start can reuse the directory.
  if [ -f "$PIDFILE" ]; then
    local pid i; pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    for i in $(seq 1 40); do
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  fi
  return 0
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  install) install ;;
  *) echo "usage: $0 start|stop|install" >&2; exit 2 ;;
esac
