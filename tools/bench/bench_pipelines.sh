#!/usr/bin/env bash
# Pipeline benchmark (issue 5): 10,000 pipeline jobs of 100 batches x 3 stages (about 3 million
# stage events), half monolithic, half disaggregated, Poisson arrivals (one every 2 s), on 8 servers of 8 GPUs
# and 20 CPU-only servers. Target: under 10 s wall on a 2-core machine.
# Usage: tools/bench/bench_pipelines.sh [repeats=3] [gpu_nodes=8]   (after tools/bootstrap.sh)
# Each repeat runs twice: writing summary.json and jobs.csv (-o), and also timeseries.csv (3.2
# million rows, about 220 MB).
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-3}
gpu_nodes=${2:-8}
build=${FLEETSIM_BUILD:-build}  # the build folder (tools/bootstrap.sh builds build/)
dir=$build/bench/pipelines
"$build"/fleetsim-gen-pipelines --jobs 10000 --batches 100 --gpu-nodes "$gpu_nodes" --cpu-nodes 20 --seed 1 \
  --interarrival 2 --dir "$dir"
echo "10,000 pipeline jobs x 100 batches x 3 stages, $gpu_nodes x 8-GPU + 20 CPU servers, fifo-skip + first-fit"
for i in $(seq "$repeats"); do
  for series in false true; do
    start=$(date +%s.%N)
    "$build"/fleetsim run "$dir/scenario.json" -q --timing -o "$dir/out" --set outputs.timeseries_csv=$series >/dev/null
    end=$(date +%s.%N)
    python3 - "$dir/out/summary.json" "$start" "$end" "$series" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); r = s["run"]; m = s["metrics"]; p = m["pipelines"]
print(f"  timeseries {sys.argv[4]:5} | process wall {float(sys.argv[3]) - float(sys.argv[2]):.2f} s | run {r['wall_s']:.2f} s | "
      f"peak RSS {r['peak_rss_mib']:.0f} MiB | {p['stage_runs']} stage events, {r['event_instants']} instants | "
      f"GPU alloc {m['gpu_alloc_ratio']:.3f} busy {m['gpu_busy_ratio']:.3f} | mean wait {m['wait_s']['mean']:.1f} s")
PY
  done
done
