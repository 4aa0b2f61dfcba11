#!/usr/bin/env bash
# Chromium for the console's browser tests (test/e2e): Debian's package, installed with apt-get
# when /usr/bin/chromium is missing. `npx playwright install` cannot download browsers here, so
# playwright-core drives this binary (executablePath /usr/bin/chromium).
#   scripts/services/chromium.sh install   -> prints the binary's path on stdout
set -euo pipefail
BIN="${ATRIUM_CHROMIUM:-/usr/bin/chromium}"

install() {
  if [ -x "$BIN" ]; then echo "$BIN"; return 0; fi
  echo "chromium.sh: installing Chromium with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
  [ -x "$BIN" ] || { echo "chromium.sh: $BIN not found after install" >&2; exit 1; }
  echo "$BIN"
}

case "${1:-}" in
  install) install ;;
  *) echo "usage: $0 install" >&2; exit 2 ;;
esac
