#!/usr/bin/env bash
# bubblewrap (bwrap), the sandbox that SQLite/DuckDB SQL cells and package installs run in
# (src/sandbox/). Debian's package, installed with apt-get when missing; a quick no-op when present.
# The sandbox also uses setpriv and prlimit from util-linux (always installed on Debian).
#   scripts/services/bubblewrap.sh install   -> installs if needed, prints bwrap's path
#   scripts/services/bubblewrap.sh check     -> exits 0 if a sandbox can be started here, else explains
#   scripts/services/bubblewrap.sh ensure    -> for `npm start`: install (as root, with apt-get) and
#                                               check, but only warn on failure: the server still
#                                               starts, and SQLite/DuckDB cells answer sandbox_unavailable
set -euo pipefail
BIN="${ATRIUM_BWRAP_PATH:-/usr/bin/bwrap}"

install() {
  if [ ! -x "$BIN" ]; then
    echo "bubblewrap.sh: installing bubblewrap with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends bubblewrap util-linux >&2
    [ -x "$BIN" ] || { echo "bubblewrap.sh: $BIN not found after install" >&2; exit 1; }
  fi
  check >/dev/null
  echo "$BIN"
}

check() {
  for b in "$BIN" /usr/bin/setpriv /usr/bin/prlimit; do
    [ -x "$b" ] || { echo "bubblewrap.sh: $b is missing (run: $0 install)" >&2; exit 1; }
  done
  [ "$(id -u)" = 0 ] || { echo "bubblewrap.sh: the sandbox needs the server to run as root (it drops each sandbox to its own uid)" >&2; exit 1; }
  # The same namespaces and privilege drop the server uses, on a trivial command.
  if ! out="$(env -i "$BIN" --unshare-ipc --unshare-pid --unshare-net --unshare-uts --unshare-cgroup-try \
      --die-with-parent --new-session --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
      --symlink usr/lib64 /lib64 --proc /proc --dev /dev --tmpfs /tmp -- \
      /usr/bin/setpriv --reuid=1899999999 --regid=1899999999 --clear-groups --no-new-privs \
      --inh-caps=-all --bounding-set=-all -- /usr/bin/prlimit --nproc=16 -- /bin/sh -c 'id -u' 2>&1)"; then
    echo "bubblewrap.sh: bwrap is installed but cannot start a sandbox here: $out" >&2
    exit 1
  fi
  [ "$out" = 1899999999 ] || { echo "bubblewrap.sh: unexpected sandbox output: $out" >&2; exit 1; }
  echo "bubblewrap.sh: sandbox OK ($("$BIN" --version))"
}

ensure() {
  if [ ! -x "$BIN" ] && { [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; }; then
    echo "WARNING: bubblewrap is not installed and cannot be installed here (needs root and apt-get)." >&2
    echo "         SQLite/DuckDB SQL cells and package installs need it: apt-get install -y bubblewrap" >&2
    return 0
  fi
  ( install >/dev/null ) || echo "WARNING: the sandbox is not usable here; SQLite/DuckDB SQL cells will answer sandbox_unavailable (see src/sandbox/README.md)." >&2
}

case "${1:-}" in
  install) install ;;
  check) check ;;
  ensure) ensure ;;
  *) echo "usage: $0 install|check|ensure" >&2; exit 2 ;;
esac
