#!/usr/bin/env bash
# Installs the Debian 12 packages fleetsim needs (when missing), then configures and builds
# into build/ (Release). As root it runs apt-get itself; otherwise it prints the one command
# to run and stops. Usage: tools/bootstrap.sh [extra cmake configure args...]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make pkg-config libsimgrid-dev nlohmann-json3-dev libeigen3-dev libcli11-dev doctest-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "bootstrap: missing packages; run this once, then run me again:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
log=build/bootstrap-build.log
if ! cmake --build build -j"$jobs" >"$log" 2>&1; then
  grep -E "error|Error" -A3 "$log" | head -40 >&2
  echo "bootstrap: build failed; full log in $log" >&2
  exit 1
fi
