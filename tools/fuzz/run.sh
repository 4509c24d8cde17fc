#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 30) on its seed corpus; fails on any crash,
# leak, sanitizer report, timeout (an input taking over 30 s; the instrumented build runs about
# 30 times slower than release) or internal error (the targets
# abort on any exception but InputError). Usage: tools/fuzz/run.sh [SECONDS] [TARGET...]
# Findings land in build-fuzz/artifacts/; the grown corpora stay in build-fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-30}
shift || true
build=${FLEETSIM_FUZZ_BUILD:-build-fuzz}
tools/fuzz/build.sh
[ -d "$build/corpus" ] || tools/fuzz/seeds.sh "$build/corpus"
mkdir -p "$build/artifacts"
targets=("$@")
((${#targets[@]})) || targets=($(cd "$build" && ls fuzz_* | grep -v '\.'))
failed=()
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  echo "fuzz: $t for ${secs}s" >&2
  if ! "$build/$t" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$build/artifacts/$t-" -print_final_stats=1 "$build/corpus/$t" \
        >"$build/$t.log" 2>&1; then
    failed+=("$t")
    tail -40 "$build/$t.log" >&2
  else
    grep -E "stat::number_of_executed_units|cov:" "$build/$t.log" | tail -2 >&2 || true
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $build/artifacts/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${secs}s each, no finding" >&2
