#!/usr/bin/env bash
# Makes sure Debian packages are installed, for the tests that need more than the build does
# (chromium for the report test, slurm-wlm for the Slurm test). Missing packages are installed
# with apt-get when run as root; exit 77 (ctest's "skipped") with a message on stderr when they
# are missing and cannot be installed. Usage: tools/ensure-packages.sh PACKAGE...
set -uo pipefail

missing() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

todo=$(missing "$@")
[ -z "$todo" ] && exit 0
if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
  echo "ensure-packages: not installed and cannot install (needs root and apt-get): $todo" >&2
  exit 77
fi
# Tests run in parallel: one apt-get at a time.
exec 9>"${TMPDIR:-/tmp}/fleetsim-apt.lock"
flock -w 900 9 || { echo "ensure-packages: timed out waiting for another install" >&2; exit 77; }
todo=$(missing "$@")
[ -z "$todo" ] && exit 0
echo "ensure-packages: installing $todo" >&2
export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends)
# shellcheck disable=SC2086
if ! timeout 900 "${apt[@]}" install $todo >/dev/null 2>&1; then
  timeout 600 apt-get -qq -o DPkg::Lock::Timeout=300 update >/dev/null 2>&1
  # shellcheck disable=SC2086
  if ! timeout 900 "${apt[@]}" install $todo >&2; then
    echo "ensure-packages: apt-get could not install: $todo" >&2
    exit 77
  fi
fi
todo=$(missing "$@")
[ -z "$todo" ] && exit 0
echo "ensure-packages: still missing after apt-get: $todo" >&2
exit 77
