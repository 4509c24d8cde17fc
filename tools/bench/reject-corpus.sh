#!/usr/bin/env bash
# Rejection cost of every bad input in tests/data/bad/ (issue 17): CPU time, wall time and peak memory
# (the child's max RSS) of `fleetsim` on each case, through the corpus test itself. Needs a
# release build (sanitizers inflate both). Prints the slowest and the largest cases and the
# totals; exits 1 when a case takes more than 1 s of CPU or 100 MiB.
# Usage: tools/bench/reject-corpus.sh [BUILD_DIR]   (default build/)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
exe="$build/tests/cli-bad_inputs"
[ -x "$exe" ] || { echo "reject-corpus: $exe not built (cmake --build $build --target cli-bad_inputs)" >&2; exit 2; }
report=$(mktemp)
trap 'rm -f "$report"' EXIT
for run in 1 2 3; do  # three rounds: the worst of each case counts
  FLEETSIM_REJECT_REPORT="$report.$run" "$exe" -tc="*each case*" >/dev/null
done
cat "$report".1 "$report".2 "$report".3 >"$report"
rm -f "$report".1 "$report".2 "$report".3
awk -F'\t' '
  { if ($3 > w[$1]) w[$1] = $3; if ($4 > m[$1]) m[$1] = $4; if ($5 > t[$1]) t[$1] = $5; n[$1] = 1 }
  END {
    cases = 0; worst_t = 0; worst_w = 0; worst_m = 0; sum = 0; over = 0
    for (c in n) {
      cases++; sum += t[c]
      if (t[c] > worst_t) { worst_t = t[c]; wt = c }
      if (w[c] > worst_w) { worst_w = w[c]; ww = c }
      if (m[c] > worst_m) { worst_m = m[c]; wm = c }
      if (t[c] > 1.0 || m[c] > 100 * 1024) { over++; printf "OVER LIMIT  %-34s %.3f s CPU  %.1f MiB\n", c, t[c], m[c] / 1024 }
    }
    printf "cases                %d (3 runs each, worst run counted)\n", cases
    printf "most CPU time        %.3f s (%s)\n", worst_t, wt
    printf "mean CPU time        %.3f s\n", sum / cases
    printf "slowest wall time    %.3f s (%s)\n", worst_w, ww
    printf "largest peak memory  %.1f MiB (%s)\n", worst_m / 1024, wm
    printf "limits               1 s and 100 MiB: %s\n", over ? over " cases over" : "all within"
    exit over ? 1 : 0
  }' "$report"
