#!/usr/bin/env bash
# Import benchmark (issue 16): a synthetic 10-million-row trace in the Helios cluster_log.csv
# format (fleetsim-gen-helios), converted to a native CSV trace by `fleetsim import helios`.
# Target: over 1M rows/s and under 1 GiB peak RSS on a 2-core machine.
# Usage: tools/bench/bench_import.sh [rows=10000000] [repeats=3]   (after tools/bootstrap.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-10000000}
repeats=${2:-3}
dir=build/bench/import
mkdir -p "$dir"
trace="$dir/cluster_log-$rows.csv"
if [ ! -s "$trace" ]; then
  build/fleetsim-gen-helios "$rows" 1 >"$trace.tmp" && mv "$trace.tmp" "$trace"
fi
echo "fleetsim import helios: $rows rows, $(du -h "$trace" | cut -f1) of CSV"
for i in $(seq "$repeats"); do
  /usr/bin/time -f "%e %U %S %M" -o "$dir/time" build/fleetsim import helios "$trace" -o "$dir/native.csv" >"$dir/report"
  read -r wall user sys rss_kib <"$dir/time"
  # CPU time too: on a shared machine the wall time also measures the other processes.
  awk -v rows="$rows" -v wall="$wall" -v user="$user" -v sys="$sys" -v rss="$rss_kib" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "  wall %.2f s (%.2f M rows/s) | CPU %.2f s user + %.2f s sys (%.2f M rows per CPU-second) | peak RSS %.0f MiB | load average %s\n",
             wall, rows / wall / 1e6, user, sys, rows / (user + sys) / 1e6, rss / 1024, load }'
done
cat "$dir/report"
