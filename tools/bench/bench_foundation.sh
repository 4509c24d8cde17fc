#!/usr/bin/env bash
# Foundation benchmark (issue 2): 100,000 synthetic jobs (CPU-only and 1/2/4/8-GPU, Poisson
# arrivals, log-normal durations) on 1,000 servers of 8 GPUs, fifo-skip + best-fit.
# Target: under 2 s wall and under 500 MiB peak RSS on a 2-core machine.
# Usage: tools/bench/bench_foundation.sh [load=0.95] [repeats=3]   (after tools/bootstrap.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
load=${1:-0.95}
repeats=${2:-3}
dir=build/bench/foundation
mkdir -p "$dir"
build/fleetsim-gen-synthetic --jobs 100000 --gpus 8000 --load "$load" --seed 1 >"$dir/trace.csv"
cat >"$dir/scenario.json" <<JSON
{
  "name": "bench-foundation-100k",
  "seed": 1,
  "cluster": {"nodes": [{"name": "gpu8", "count": 1000, "cpu_milli": 128000, "memory_mib": 1048576,
                         "gpus": 8, "gpu_model": "A100"}]},
  "workload": {"trace": "trace.csv"},
  "policy": {"queue": "fifo-skip", "placement": "best-fit"}
}
JSON
echo "100k jobs, 1000 x 8-GPU servers, offered GPU load $load, fifo-skip + best-fit"
for i in $(seq "$repeats"); do
  start=$(date +%s.%N)
  build/fleetsim run "$dir/scenario.json" -q --timing -o "$dir/out" >/dev/null
  end=$(date +%s.%N)
  python3 - "$dir/out/summary.json" "$start" "$end" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); r = s["run"]; m = s["metrics"]
print(f"  process wall {float(sys.argv[3]) - float(sys.argv[2]):.3f} s | run {r['wall_s']:.3f} s "
      f"(platform {r['platform_build_s']*1000:.0f} ms, {r['platform_hosts']} hosts) | peak RSS {r['peak_rss_mib']:.0f} MiB | "
      f"{r['event_instants']} instants | gpu_alloc {m['gpu_alloc_ratio']:.3f} | mean wait {m['wait_s']['mean']:.1f} s")
PY
done
