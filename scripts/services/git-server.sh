#!/usr/bin/env bash
# The tests' git smart-HTTP server (git-server.ts: `git http-backend` behind a token-checking Node
# server on 127.0.0.1) as a background process, for benchmarks and manual runs. The vitest suites
# do not need it: they start the same server in-process.
#   scripts/services/git-server.sh start   -> one JSON line: {"url","port","root","pid","tokens":[...],"fixtures":{...}}
#   scripts/services/git-server.sh stop
#   scripts/services/git-server.sh install
# The repositories are the standard fixtures (git-fixtures.ts), rebuilt on every start; one random
# token (in "tokens") reads and pushes every one of them. ATRIUM_TEST_GIT_CONFIG may name a JSON
# file `{ "tokens": { "<token>": { "repos": [...], "expired": false, "push": true } }, "publicRepos": [...] }`
# to use instead. Only the JSON line goes to stdout; progress and logs go to stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="${ATRIUM_TEST_SERVICES_DIR:-/tmp/atrium-test-services}"
DIR="$ROOT/git"
PIDFILE="$DIR/pid"

install() {
  if command -v git >/dev/null 2>&1; then return 0; fi
  echo "git-server.sh: installing git with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq git >&2
}

start() {
  install
  stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
  mkdir -p "$DIR/repos"
  local config="${ATRIUM_TEST_GIT_CONFIG:-}"
  if [ -z "$config" ]; then
    config="$DIR/config.json"
    local token
    token="atrium-test-$(node -e "console.log(require('crypto').randomBytes(12).toString('hex'))")"
    printf '{"tokens":{"%s":{"push":true}}}\n' "$token" >"$config"
  fi
  nohup node --import tsx scripts/services/git-server.ts --root "$DIR/repos" --port "${ATRIUM_TEST_GIT_PORT:-0}" \
    --config "$config" --fixtures --ready-file "$DIR/ready.json" >"$DIR/server.log" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 600); do
    if [ -s "$DIR/ready.json" ]; then cat "$DIR/ready.json"; return 0; fi
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      echo "git-server.sh: the server exited during start" >&2
      cat "$DIR/server.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "git-server.sh: the server did not start within 60 s" >&2
  cat "$DIR/server.log" >&2
  exit 1
}

stop() {
  [ -f "$PIDFILE" ] || return 0
  local pid
  pid="$(cat "$PIDFILE")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  install) install ;;
  *) echo "usage: $0 start|stop|install" >&2; exit 2 ;;
esac
