#!/usr/bin/env bash
# Growth: the mfa and getuser workloads with 1,000 and with 1,000,000 users
# in the store, start-up time to a healthy /health, and the server's memory
# idle and under load (BENCHMARKS.md, "Growth").
#
#   scripts/bench/growth.sh          # ~20 min, most of it loading 999,000 users
#   BIG=100000 RUNS=1 scripts/bench/growth.sh
#
# Both sizes run the same 1,000 working users, made by the tool through the
# API (sign-up, confirmation, TOTP set-up through MFA_SETUP). For the big
# size, BIG-1000 more users are first written straight into the store by
# `cognate-bench load` (real users: own salt, SRP verifier and TOTP secret,
# sealed), into the pool the workloads then run in. mfa runs are bounded by
# MFA_OPS so that no user signs in twice within one 30-s TOTP step (the
# tool never waits for a step, so latency is the server's).
set -euo pipefail
cd "$(dirname "$0")/../.."

out=${OUT:-/tmp/cognate-growth}
port=${PORT:-9330}
runs=${RUNS:-3}
big=${BIG:-1000000}
working=1000
concurrency=${CONCURRENCY:-16}
mfa_ops=${MFA_OPS:-900}
duration=${DURATION:-15s}
pool=us-east-1_growth001

source scripts/bench/lib.sh

files=()
: >"$out/growth.txt"
for size in 1000 "$big"; do
  fresh_data
  pool_args=()
  if [ "$size" -gt "$working" ]; then
    echo "== loading $((size - working)) users into $pool"
    "$out/cognate-bench" load -data-dir "$out/data" "${db_args[@]}" -pool-id "$pool" -out "$out/load-$size.json" $((size - working))
    pool_args=(-pool-id "$pool")
  fi
  start_server keep
  echo "start-up at $size users: ${startup_ms} ms to a healthy /health" | tee -a "$out/growth.txt"
  idle=$(awk '/VmRSS/{print $2/1024}' "/proc/$server/status")
  echo "idle RSS at $size users: ${idle} MiB" | tee -a "$out/growth.txt"
  for i in $(seq "$runs"); do
    echo "== mfa, $working working users, $size in the store (run $i of $runs)"
    measure "$out/mfa-$size-$i.json" -workload mfa -users "$working" "${pool_args[@]}" -concurrency "$concurrency" \
      -duration 60s -max-ops "$mfa_ops" -warmup 0s
    files+=("$out/mfa-$size-$i.json")
  done
  for i in $(seq "$runs"); do
    echo "== getuser, $working working users, $size in the store (run $i of $runs)"
    measure "$out/getuser-$size-$i.json" -workload getuser -users "$working" "${pool_args[@]}" -concurrency "$concurrency" -duration "$duration"
    files+=("$out/getuser-$size-$i.json")
  done
  du -sh "$out/data" | sed "s/^/store size at $size users: /" | tee -a "$out/growth.txt"
  peak=$(awk '/VmHWM/{print $2/1024}' "/proc/$server/status")
  echo "peak RSS at $size users, after the runs: ${peak} MiB" | tee -a "$out/growth.txt"
  stop_server
  # The restart after the load, timed again now the store is warm.
  start_server keep
  echo "restart at $size users: ${startup_ms} ms to a healthy /health" | tee -a "$out/growth.txt"
  stop_server
done

echo
echo "== summary (also in $out/summary.md)"
"$out/cognate-bench" summarize "${files[@]}" | tee "$out/summary.md"
cat "$out/growth.txt"
