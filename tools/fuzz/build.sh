#!/usr/bin/env bash
# Installs clang and the matching libFuzzer (Debian packages, when missing and run as root),
# then builds every fuzz target into build-fuzz/ (or $FLEETSIM_FUZZ_BUILD).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${FLEETSIM_FUZZ_BUILD:-build-fuzz}

need=()
command -v clang++ >/dev/null || need+=(clang)
dpkg-query -W -f='${Status}' clang 2>/dev/null | grep -q "install ok installed" || need+=(clang)
if command -v clang++ >/dev/null; then
  major=$(clang++ --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
else
  major=$(apt-cache depends clang 2>/dev/null | sed -n 's/.*Depends: clang-\([0-9]*\)$/\1/p' | head -1)
fi
major=${major:-14}
dpkg-query -W -f='${Status}' "libfuzzer-$major-dev" 2>/dev/null | grep -q "install ok installed" || need+=("libfuzzer-$major-dev")
for p in cmake make nlohmann-json3-dev libeigen3-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "fuzz: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  else
    echo "fuzz: missing packages; run: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi
CXX=clang++ cmake -S tools/fuzz -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" >"$build/build.log" 2>&1 || {
  grep -E "error" -A3 "$build/build.log" | head -40 >&2
  echo "fuzz: build failed; log in $build/build.log" >&2
  exit 1
}
echo "fuzz: targets in $build/: $(cd "$build" && ls fuzz_* | tr '\n' ' ')" >&2
