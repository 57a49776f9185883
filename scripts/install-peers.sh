#!/usr/bin/env bash
# Installs the peer programs that interop tests and side-by-side benchmarks run against, from the
# npm registry (no build needed):
#   <dir>/litestream-vfs-0.5.17/litestream-vfs.so   Litestream's official SQLite VFS extension
#   <dir>/litestream-0.3.13/litestream              a Litestream 0.3.13 binary (v0.3 layout reference)
# Usage: scripts/install-peers.sh [dir]      (default: target/peers, relative to the current directory)
# Idempotent: an installed peer is left alone. Each peer is unpacked into a temporary directory and
# renamed into place, so an interrupted run never leaves a half-installed peer behind.
# Exits non-zero with a message when npm is missing or cannot fetch a package.
set -euo pipefail

dir="${1:-target/peers}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

command -v npm >/dev/null 2>&1 || { echo "install-peers: npm not found on PATH; install Node.js/npm" >&2; exit 2; }
command -v tar >/dev/null 2>&1 || { echo "install-peers: tar not found on PATH" >&2; exit 2; }

# install_peer NPM_SPEC TARGET_DIR FILE_IN_PACKAGE
install_peer() {
  local spec="$1" target="$dir/$2" file="$3"
  if [[ -f "$target/$(basename "$file")" ]]; then
    return 0
  fi
  local work
  work="$(mktemp -d "$dir/.install.XXXXXX")"
  trap 'rm -rf "$work"' RETURN
  if ! (cd "$work" && npm pack --loglevel=error --fetch-retries=1 --fetch-timeout=60000 "$spec" >npm.out 2>npm.err); then
    echo "install-peers: 'npm pack $spec' failed (is the npm registry reachable?):" >&2
    cat "$work/npm.err" >&2
    return 3
  fi
  local tgz
  tgz="$(ls "$work"/*.tgz)"
  tar -xzf "$tgz" -C "$work"
  if [[ ! -f "$work/package/$file" ]]; then
    echo "install-peers: $spec does not contain package/$file" >&2
    return 4
  fi
  mkdir -p "$work/out"
  mv "$work/package/$file" "$work/out/"
  chmod +x "$work/out/$(basename "$file")"
  cp "$work/package/package.json" "$work/out/"
  rm -rf "$target"
  mv "$work/out" "$target"
  echo "install-peers: installed $spec into $target" >&2
}

install_peer litestream-vfs-linux-amd64@0.5.17 litestream-vfs-0.5.17 litestream-vfs.so
install_peer @flydotio/litestream-linux-x64@1.0.1 litestream-0.3.13 litestream
