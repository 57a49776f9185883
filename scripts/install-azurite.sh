#!/usr/bin/env bash
# Installs azurite (Microsoft's Azure Storage emulator) from the npm registry, for the abs backend's
# tests and benchmarks:   <dir>/node_modules/.bin/azurite-blob
# Usage: scripts/install-azurite.sh [dir]      (default: target/azurite, relative to the current directory)
# Idempotent: an existing installation is left alone. Installs into a temporary directory renamed
# into place, so an interrupted run never leaves a half-installed emulator behind.
# Exits non-zero with a message when npm is missing or cannot fetch the package.
set -euo pipefail

version="3.37.0"
dir="${1:-target/azurite}"
mkdir -p "$(dirname "$dir")"
parent="$(cd "$(dirname "$dir")" && pwd)"
target="$parent/$(basename "$dir")"

if [[ -x "$target/node_modules/.bin/azurite-blob" ]]; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "install-azurite: npm not found on PATH; install Node.js/npm" >&2; exit 2; }

work="$(mktemp -d "$parent/.azurite-install.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if ! npm install --no-audit --no-fund --loglevel=error --fetch-retries=1 --fetch-timeout=60000 \
    --prefix "$work" "azurite@$version" >"$work/npm.out" 2>"$work/npm.err"; then
  echo "install-azurite: 'npm install azurite@$version' failed (is the npm registry reachable?):" >&2
  cat "$work/npm.err" >&2
  exit 3
fi
rm -f "$work/npm.out" "$work/npm.err"
rm -rf "$target"
mv "$work" "$target"
trap - EXIT
echo "install-azurite: installed azurite@$version into $target" >&2
