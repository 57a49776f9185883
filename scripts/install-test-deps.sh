#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/test-packages.txt that are not installed yet.
# Called by .ci/run before the test command; safe to run by hand (needs root for apt-get).
# Never fails the build: a package that cannot be installed is reported, and the tests that need it
# skip with a message naming it.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
missing=()
while read -r pkg; do
  pkg="${pkg%%#*}"; pkg="$(echo "$pkg" | tr -d '[:space:]')"
  [ -n "$pkg" ] || continue
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done < "$here/test-packages.txt"
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: missing ${missing[*]} (not root or no apt-get): tests needing them will skip" >&2
  exit 0
fi
echo "install-test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2 3; do
  if apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    exit 0
  fi
  sleep 5
done
echo "install-test-deps: could not install ${missing[*]}: tests needing them will skip" >&2
exit 0
