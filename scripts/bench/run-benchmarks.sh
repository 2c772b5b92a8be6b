#!/usr/bin/env bash
# Reruns the measurements of BENCHMARKS.md: for each workload a server on a
# fresh data dir, RUNS runs at CONCURRENCY for DURATION, then one mfa sweep,
# then a Markdown table of medians. Everything lands in OUT.
#
#   scripts/bench/run-benchmarks.sh                 # the whole set (~20 min)
#   WORKLOADS="password getuser" RUNS=1 scripts/bench/run-benchmarks.sh
#
# WORKLOADS entries are name or name:users (users default to USERS).
# On a shared machine, a run during which other processes (and the kernel)
# kept more than MAX_OTHER_CPU cores busy is set aside as *.disturbed.json
# and repeated, up to ATTEMPTS times per kept run; MAX_OTHER_CPU=0 keeps
# every run. PG_URL=postgres://... runs every server on a fresh PostgreSQL
# database made (and dropped) there, instead of SQLite.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=${OUT:-/tmp/cognate-bench}
port=${PORT:-9329}
runs=${RUNS:-3}
duration=${DURATION:-15s}
concurrency=${CONCURRENCY:-16}
users=${USERS:-1000}
workloads=${WORKLOADS:-"signup password mfa:4000 mfa:1000 srp device refresh getuser"}
sweep=${SWEEP-1,4,16,64}
sweep_users=${SWEEP_USERS:-6000}

source scripts/bench/lib.sh

files=()
for entry in $workloads; do
  w=${entry%%:*}
  n=$users
  [ "$entry" != "$w" ] && n=${entry#*:}
  [ "$w" = signup ] && n=0 # signup makes its own users
  start_server
  for i in $(seq "$runs"); do
    f="$out/$w-$n-$i.json"
    echo "== $w, $n users, concurrency $concurrency, $duration (run $i of $runs)"
    measure "$f" -workload "$w" -users "$n" -concurrency "$concurrency" -duration "$duration"
    files+=("$f")
  done
  stop_server
done

if [ -n "$sweep" ]; then
  start_server
  echo "== mfa sweep $sweep, $sweep_users users, $duration per point"
  measure "$out/mfa-sweep.json" -workload mfa -users "$sweep_users" -sweep "$sweep" -duration "$duration" -svg "$out/mfa-sweep.svg"
  files+=("$out/mfa-sweep.json")
  stop_server
fi

echo
echo "== summary (also in $out/summary.md)"
"$out/cognate-bench" summarize "${files[@]}" | tee "$out/summary.md"
