#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs and starts the services the tests need
# (PostgreSQL, MariaDB, Ceph's radosgw as S3; Chromium for the console's browser tests), type-checks, builds the server
# and the console, runs every test on SQLite and again on PostgreSQL (the browser tests only in
# the SQLite pass), and stops the services afterwards, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."

export ATRIUM_TEST_SERVICES_DIR="${ATRIUM_TEST_SERVICES_DIR:-/tmp/atrium-test-services-$$}"
cleanup() {
  bash scripts/services/postgres.sh stop || true
  bash scripts/services/mariadb.sh stop || true
  bash scripts/services/radosgw.sh stop || true
  rm -rf "$ATRIUM_TEST_SERVICES_DIR"
}
trap cleanup EXIT

echo "== starting PostgreSQL"
# scram for every role but the superuser, so wrong-password tests are real.
PG_URL="$(ATRIUM_TEST_PG_AUTH=scram bash scripts/services/postgres.sh start)"
export ATRIUM_TEST_PG_URL="$PG_URL"
echo "== starting MariaDB"
ATRIUM_TEST_MYSQL_URL="$(bash scripts/services/mariadb.sh start)"
export ATRIUM_TEST_MYSQL_URL
echo "== starting radosgw (an S3 that checks signatures and bucket policies)"
ATRIUM_TEST_S3="$(bash scripts/services/radosgw.sh start)"
export ATRIUM_TEST_S3

echo "== installing bubblewrap (the sandbox of embedded SQL engines and install commands, src/sandbox)"
bash scripts/services/bubblewrap.sh install >/dev/null
bash scripts/services/bubblewrap.sh check

echo "== installing git (git packages: src/connectors/git starts its git smart-HTTP server in-process)"
bash scripts/services/git-server.sh install >/dev/null

echo "== installing Chromium (the console's browser tests, test/e2e)"
bash scripts/services/chromium.sh install >/dev/null

echo "== type-checking and building"
npx tsc -p tsconfig.json --noEmit
npx tsx scripts/check-imports.ts   # no cycle between folders, http/ imports no module, no file over 400 lines
npm run typecheck:web --silent
npm run build --silent

# Both passes run even if the first fails, so one CI run shows every failure.
status=0
echo "== test pass 1/2: SQLite"
ATRIUM_TEST_DB=sqlite npx vitest run || status=1

echo "== test pass 2/2: PostgreSQL"
ATRIUM_TEST_DB=postgres npx vitest run || status=1

if [ "$status" -ne 0 ]; then echo "== FAILED: see the failing tests above"; fi
exit "$status"
