#!/usr/bin/env bash
# bubblewrap (bwrap), the sandbox that SQLite/DuckDB SQL cells and package installs run in
# (src/sandbox/). Debian's package, installed with apt-get when missing; a quick no-op when present.
# The sandbox also uses prlimit (and, as root, setpriv) from util-linux (always installed on Debian).
#   scripts/services/bubblewrap.sh install   -> installs if needed, prints bwrap's path
#   scripts/services/bubblewrap.sh check     -> says which mode (root / rootless) the server will use and
#                                               exits 0 if a sandbox can be started that way, else explains
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

# Which mode the server will use (src/sandbox/sandbox-mode.ts): root when it runs as root, else
# rootless (unprivileged user namespaces); ATRIUM_SANDBOX_MODE=auto|root|rootless overrides.
mode() {
  local wanted="${ATRIUM_SANDBOX_MODE:-auto}" uid
  uid="$(id -u)"
  case "$wanted" in
    auto) [ "$uid" = 0 ] && echo root || echo rootless ;;
    root) [ "$uid" = 0 ] || { echo "bubblewrap.sh: ATRIUM_SANDBOX_MODE=root needs root; unset it to use the rootless mode" >&2; return 1; }; echo root ;;
    rootless) [ "$uid" != 0 ] || { echo "bubblewrap.sh: ATRIUM_SANDBOX_MODE=rootless is for a server that is not root (unset it, or set it to root)" >&2; return 1; }; echo rootless ;;
    *) echo "bubblewrap.sh: ATRIUM_SANDBOX_MODE must be auto, root or rootless (it is \"$wanted\")" >&2; return 1 ;;
  esac
}

# Why the kernel refuses an unprivileged user namespace, and the switch that allows it.
userns_hint() {
  local k found=
  k="$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || true)"
  [ "$k" = 0 ] && { found=1; echo "  the kernel forbids unprivileged user namespaces: sysctl -w kernel.unprivileged_userns_clone=1" >&2; }
  k="$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || true)"
  [ "$k" = 0 ] && { found=1; echo "  the kernel allows no user namespace: sysctl -w user.max_user_namespaces=15000" >&2; }
  k="$(cat /proc/sys/kernel/apparmor_restrict_unprivileged_userns 2>/dev/null || true)"
  [ "$k" = 1 ] && { found=1; echo "  AppArmor restricts unprivileged user namespaces: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (or an AppArmor profile for bwrap that allows userns)" >&2; }
  [ -n "$found" ] || echo "  allow unprivileged user namespaces (kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0, kernel.apparmor_restrict_unprivileged_userns=0)" >&2
  echo "  or run the server as root (root mode)" >&2
}

check() {
  local m
  m="$(mode)" || exit 1
  for b in "$BIN" /usr/bin/prlimit $([ "$m" = root ] && echo /usr/bin/setpriv); do
    [ -x "$b" ] || { echo "bubblewrap.sh: $b is missing (run: $0 install)" >&2; exit 1; }
  done
  # The same namespaces, privilege drop and limits the server uses, on a trivial command.
  local common=(--unshare-ipc --unshare-pid --unshare-net --unshare-uts --unshare-cgroup-try
    --die-with-parent --new-session --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib
    --symlink usr/lib64 /lib64 --proc /proc --dev /dev --tmpfs /tmp)
  local out want
  if [ "$m" = root ]; then
    want=1899999999
    out="$(env -i "$BIN" "${common[@]}" -- /usr/bin/setpriv --reuid=$want --regid=$want --clear-groups \
      --no-new-privs --inh-caps=-all --bounding-set=-all -- /usr/bin/prlimit --nproc=16 -- /bin/sh -c 'id -u' 2>&1)" || {
      echo "bubblewrap.sh: bwrap is installed but cannot start a sandbox here: $out" >&2; exit 1; }
  else
    want="$(id -u)"
    out="$(env -i "$BIN" --unshare-user --uid "$want" --gid "$(id -g)" --disable-userns --cap-drop ALL "${common[@]}" -- \
      /usr/bin/prlimit --nproc=16 -- /bin/sh -c 'id -u' 2>&1)" || {
      echo "bubblewrap.sh: not root, and bwrap cannot create an unprivileged user namespace here: $out" >&2
      userns_hint; exit 1; }
  fi
  [ "$out" = "$want" ] || { echo "bubblewrap.sh: unexpected sandbox output: $out" >&2; exit 1; }
  if [ "$m" = root ]; then
    echo "bubblewrap.sh: sandbox OK, root mode: each sandbox gets its own uid ($("$BIN" --version))"
  else
    echo "bubblewrap.sh: sandbox OK, rootless mode: unprivileged user namespaces, sandboxes run as uid $want (see src/sandbox/README.md) ($("$BIN" --version))"
  fi
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
