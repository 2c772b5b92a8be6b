#!/usr/bin/env bash
# A/B: one workload against the server built at two revisions, run after
# run in turn (A, B, A, B, ...) so that a shared machine's slow drifts fall
# on both; then the medians of each side and their ratio. This is how each
# optimisation in BENCHMARKS.md ("What the profiles showed") was measured.
#
#   scripts/bench/ab.sh REV_A REV_B WORKLOAD [bench flags...]
#   scripts/bench/ab.sh 2d0f508 6115bcb mfa -users 2000 -max-ops 1800 -warmup 0s
#
# RUNS pairs (default 3), each on a fresh data dir; the load generator is
# always the current tree's. Output in OUT (default /tmp/cognate-ab).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 3 ] || { sed -n 2,12p "$0"; exit 2; }
rev_a=$1 rev_b=$2 workload=$3
shift 3
out=${OUT:-/tmp/cognate-ab}
port=${PORT:-9332}
runs=${RUNS:-3}
duration=${DURATION:-10s}
concurrency=${CONCURRENCY:-16}

source scripts/bench/lib.sh

# Build each revision's server in a temporary worktree.
build_rev "$rev_a" cognate-a
build_rev "$rev_b" cognate-b

rm -f "$out"/a-*.json "$out"/b-*.json
for i in $(seq "$runs"); do
  for side in a b; do
    cp "$out/cognate-$side" "$out/cognate"
    start_server
    rev=rev_$side
    echo "== $side (${!rev}): $workload, run $i of $runs"
    measure "$out/$side-$i.json" -workload "$workload" -concurrency "$concurrency" -duration "$duration" -floor=false "$@"
    stop_server
  done
done

python3 - "$out" "$rev_a" "$rev_b" "$workload" <<'PY' | tee "$out/ab.md"
import json, glob, statistics, sys
out, ra, rb, w = sys.argv[1:]
def runs(side):
    rs = []
    for f in sorted(glob.glob(f"{out}/{side}-*.json")):
        if ".disturbed" not in f:
            rs += json.load(open(f))["runs"]
    return rs
def med(rs, f):
    v = [f(r) for r in rs if f(r) is not None]
    return statistics.median(v) if v else float("nan")
a, b = runs("a"), runs("b")
cols = [("ops/s", lambda r: r["throughput_ops_per_s"]), ("p50 ms", lambda r: r["latency_ms"]["p50"]),
        ("p99 ms", lambda r: r["latency_ms"]["p99"]), ("server CPU ms/op", lambda r: r.get("server_cpu_ms_per_op")),
        ("machine busy", lambda r: r.get("machine_cpu_busy"))]
print(f"| {w} | runs | " + " | ".join(c for c, _ in cols) + " |")
print("|---|--:|" + "--:|" * len(cols))
for name, rs in ((ra, a), (rb, b)):
    print(f"| {name} | {len(rs)} | " + " | ".join(f"{med(rs, f):.2f}" for _, f in cols) + " |")
print(f"| B / A | | " + " | ".join(f"{med(b, f) / med(a, f):.2f}×" for _, f in cols) + " |")
PY
