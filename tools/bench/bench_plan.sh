#!/bin/sh
# Speed of `fleetsim plan` on the mixed-workload planning scenario (2 topologies, at most 12
# probes each, probes in parallel processes). Target: under 60 s wall.
# Usage: tools/bench/bench_plan.sh [repeats] [jobs]   (run from the repository root after a build)
set -eu
repeats=${1:-3}
jobs=${2:-$(nproc)}
cli=${FLEETSIM:-build/fleetsim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
i=1
while [ "$i" -le "$repeats" ]; do
  start=$(date +%s.%N)
  "$cli" plan scenarios/plan/mixed.json -q -j "$jobs" -o "$out/$i" >"$out/table.txt"
  end=$(date +%s.%N)
  probes=$(grep -c '"met"' "$out/$i/plan.json")
  printf 'run %d: %.2f s wall, %d probes, %d at a time\n' "$i" "$(echo "$end - $start" | bc)" "$probes" "$jobs"
  i=$((i + 1))
done
cat "$out/table.txt"
