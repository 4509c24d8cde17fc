#!/usr/bin/env bash
# Seed corpora from committed files: tools/fuzz/seeds.sh DIR makes DIR/<target>/ for each target.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: seeds.sh DIR}
mkdir -p "$out"/{fuzz_scenario,fuzz_native_csv,fuzz_native_jsonl,fuzz_alibaba_nodes,fuzz_alibaba_pods,fuzz_sweep,fuzz_baseline,fuzz_json}
n=0
seed() {  # seed TARGET FILE: copied under a name of its path (large files cut to 64 KiB at a line end)
  local name; name=$(echo "$2" | tr '/' '_')
  if [ "$(stat -c %s "$2")" -gt 65536 ]; then head -c 65536 "$2" | sed '$d' >"$out/$1/$name"; else cp "$2" "$out/$1/$name"; fi
  n=$((n + 1))
}
for f in $(git ls-files 'scenarios/*.json' 'tests/data/scenarios/*.json' 'tests/data/composable/*.json' 'tests/data/golden/*.json' | grep -v -e baselines/ -e '\.sweep\.json$' -e summary.json -e schema.json); do
  seed fuzz_scenario "$f"
done
for f in $(git ls-files '*.sweep.json'); do seed fuzz_sweep "$f"; done
for f in $(git ls-files 'scenarios/baselines/*.json'); do seed fuzz_baseline "$f"; done
for f in $(git ls-files '*.json'); do seed fuzz_json "$f"; done
for f in $(git ls-files 'scenarios/data/*.csv' 'scenarios/disaggregation/*.csv' 'tests/data/*.csv' | grep -v alibaba-v2023); do seed fuzz_native_csv "$f"; done
for f in $(git ls-files '*.jsonl' '*.ndjson'); do seed fuzz_native_jsonl "$f"; done
# JSON Lines seeds also from the CSV traces' first rows
printf '%s\n' '{"id": "j1", "kind": "training", "submit_s": 0, "duration_s": 10, "cpu_milli": 1000, "memory_mib": 1024, "num_gpu": 1, "gpu_milli": 500, "gpu_models": "A100|T4", "priority": 2}' \
  '{"id": 2, "submit_s": 1.5, "duration_s": 3, "cpu_milli": 0, "memory_mib": 0, "num_gpu": 0, "gpu_milli": 0, "steps": 10, "step_compute_s": 0.1, "allreduce_bytes": 1e9}' \
  >"$out/fuzz_native_jsonl/generated.jsonl"
for f in $(git ls-files 'scenarios/data/alibaba-v2023/openb_node_list_*.csv'); do seed fuzz_alibaba_nodes "$f"; done
for f in $(git ls-files 'scenarios/data/alibaba-v2023/openb_pod_list_*.csv'); do seed fuzz_alibaba_pods "$f"; done
echo "fuzz: $n seed files in $out" >&2
