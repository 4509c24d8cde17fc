#!/usr/bin/env bash
# Composable benchmark (issue 4): 100,000 synthetic jobs on 1,000 CPU servers (8 fabric ports
# each, 100 per switch, 10 switches) and 8,000 pooled GPUs (250 chassis of 32; each switch
# reaches 25 chassis), fifo-skip + pool-best-fit. Target: under 5 s wall.
# Then the same with the training mix whose jobs carry communication profiles (ring all-reduce
# simulated as SimGrid transfers over slots and uplinks). Target: 10,000+ jobs per second.
# Usage: tools/bench/bench_composable.sh [repeats=2]   (after tools/bootstrap.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-2}
dir=build/bench/composable
mkdir -p "$dir"
build/fleetsim-gen-synthetic --jobs 100000 --gpus 8000 --load 0.9 --seed 1 >"$dir/plain.csv"
build/fleetsim-gen-synthetic --mix training --jobs 100000 --gpus 8000 --load 0.6 --mean-duration 1800 --seed 1 >"$dir/comm.csv"
{
  echo '{"name": "bench-composable", "seed": 1, "cluster": {"topology": "composable", "nodes": ['
  for w in $(seq 0 9); do
    sep=$([ "$w" -lt 9 ] && echo , || true)
    echo "  {\"name\": \"cpu-sw$w\", \"count\": 100, \"cpu_milli\": 128000, \"memory_mib\": 1048576, \"fabric_ports\": 8, \"switch\": \"sw$w\"}$sep"
  done
  echo '], "pools": ['
  for w in $(seq 0 9); do
    sep=$([ "$w" -lt 9 ] && echo , || true)
    echo "  {\"name\": \"chassis-sw$w\", \"count\": 25, \"gpus\": 32, \"gpu_model\": \"A100\"}$sep"
  done
  echo '], "switches": ['
  for w in $(seq 0 9); do
    sep=$([ "$w" -lt 9 ] && echo , || true)
    echo "  {\"name\": \"sw$w\", \"pools\": [\"chassis-sw$w\"]}$sep"
  done
  echo ']}, "workload": {"trace": "plain.csv"}, "policy": {"queue": "fifo-skip", "placement": "pool-best-fit"}}'
} >"$dir/scenario.json"
report() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); r = s["run"]; m = s["metrics"]
wall = float(sys.argv[3]) - float(sys.argv[2]); n = m["jobs"]["total"]
print(f"  process wall {wall:.2f} s ({n / wall:,.0f} jobs/s) | run {r['wall_s']:.2f} s | platform {r['platform_build_s']*1000:.0f} ms, "
      f"{r['platform_hosts']} hosts | {r['transfers']} transfers | peak RSS {r['peak_rss_mib']:.0f} MiB | "
      f"gpu_alloc {m['gpu_alloc_ratio']:.3f} | stranded {m['stranded_gpus']:.1f} | mean wait {m['wait_s']['mean']:.1f} s")
PY
}
for trace in plain comm; do
  echo "100k jobs ($trace), 1000 servers, 8000 pooled GPUs, fifo-skip + pool-best-fit"
  for i in $(seq "$repeats"); do
    start=$(date +%s.%N)
    build/fleetsim run "$dir/scenario.json" -q --timing --set "workload.trace=$trace.csv" -o "$dir/out-$trace" >/dev/null
    end=$(date +%s.%N)
    report "$dir/out-$trace/summary.json" "$start" "$end"
  done
done
