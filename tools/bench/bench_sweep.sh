#!/usr/bin/env bash
# Sweep benchmark (issue 7): the FGD paper's grid, 6 placement policies x 10 seeds of the fill
# experiment (scenarios/alibaba-v2023/fgd-grid.sweep.json), as `fleetsim sweep` with 2 processes;
# then the sweep's own cost per run: the same sweep with 1 process against the same 60 runs as
# plain `fleetsim run` processes one after the other, and a resumed sweep (everything finished).
# Targets: the grid under 2 minutes on 2 cores; under 50 ms of sweep overhead per run.
# Usage: tools/bench/bench_sweep.sh [repeats=3]   (after tools/bootstrap.sh; FLEETSIM=other/fleetsim to time another build)
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-3}
exe=${FLEETSIM:-build/fleetsim}   # FLEETSIM=path/to/fleetsim to time another build
sweep=scenarios/alibaba-v2023/fgd-grid.sweep.json
base=scenarios/alibaba-v2023/fill-fgd.json
dir=$(dirname "$exe")/bench/sweep
read -r -a placements < <(python3 -c "import json,sys; print(*json.load(open(sys.argv[1]))['grid']['policy.placement'])" "$sweep")
seeds=$(seq 42 51)
runs=$(( ${#placements[@]} * 10 ))
now() { date +%s.%N; }
echo "FGD grid: ${#placements[@]} placements x 10 seeds = $runs fill runs of $base ($(nproc) cores)"
for i in $(seq "$repeats"); do
  rm -rf "$dir"
  t0=$(now); "$exe" sweep "$sweep" -o "$dir/j2" -j 2 -q >/dev/null
  t1=$(now); "$exe" sweep "$sweep" -o "$dir/j2" -j 2 -q >/dev/null   # resumed: all finished
  t2=$(now); "$exe" sweep "$sweep" -o "$dir/j1" -j 1 -q >/dev/null
  t3=$(now)
  for p in "${placements[@]}"; do
    for s in $seeds; do
      "$exe" run "$base" --set "policy.placement=$p" --set "seed=$s" -q --no-report -o "$dir/plain" >/dev/null
    done
  done
  t4=$(now)
  python3 - "$t0" "$t1" "$t2" "$t3" "$t4" "$runs" <<'PY'
import sys
t0, t1, t2, t3, t4, n = map(float, sys.argv[1:])
j2, resume, j1, plain = t1 - t0, t2 - t1, t3 - t2, t4 - t3
print(f"  sweep -j 2: {j2:5.2f} s | resumed (0 to run): {resume:4.2f} s | sweep -j 1: {j1:5.2f} s | "
      f"{int(n)} plain runs: {plain:5.2f} s ({plain / n * 1000:.0f} ms each) | overhead per run {(j1 - plain) / n * 1000:+.1f} ms")
PY
done
