#!/usr/bin/env bash
# Side by side: the password and mfa workloads against cognito-local (the
# most used Cognito emulator, installed here from npm at the version pinned
# in peers/cognito-local/package-lock.json) and against Cognate, one after
# the other in one run, with the same tool, users, concurrency and duration;
# then the ratios (BENCHMARKS.md, "Side by side").
#
#   scripts/bench/vs-cognito-local.sh        # ~20 min
#
# Both servers get the same set-up path: cognito-local 5.3.0 sets TOTP up
# only with an access token (its MFA_SETUP is not implemented), so the mfa
# workload runs with -access-token-enrolment in an MFA OPTIONAL pool on both.
# The work per sign-in is not the same, and the ratios should be read with
# that in mind: cognito-local keeps passwords in plain text and compares
# them (Cognate derives an SRP verifier: one 3072-bit exponentiation), lets a
# TOTP code be used again (Cognate records the step it spent, durably), does
# not check that a challenge Session is one it issued (Cognate opens a
# sealed session and marks it spent), keeps no failed-attempt counters, and
# writes its whole JSON database to disk, without fsync, on each change
# (Cognate commits to SQLite with synchronous=FULL).
set -euo pipefail
cd "$(dirname "$0")/../.."

out=${OUT:-/tmp/cognate-vs}
port=${PORT:-9331}
runs=${RUNS:-3}
duration=${DURATION:-15s}
concurrency=${CONCURRENCY:-16}
# cognito-local rewrites its whole JSON database at every change, so its
# set-up time grows with the square of the users (300 TOTP users: 34 s; 800:
# about 4 min): 800 keeps a run within minutes.
users=${USERS:-800}
# Each user may sign in with TOTP once per 30-s step, so the mfa runs are
# counted, not timed: MFA_OPS sign-ins (fewer than the users, so no worker
# ever waits for a step), however long they take.
mfa_ops=${MFA_OPS:-700}
workloads=${WORKLOADS:-"password mfa"}

source scripts/bench/lib.sh

command -v node >/dev/null || { echo "node is needed for cognito-local" >&2; exit 1; }
peer=$out/cognito-local
rm -rf "$peer"
mkdir -p "$peer"
cp scripts/bench/peers/cognito-local/package.json scripts/bench/peers/cognito-local/package-lock.json "$peer/"
echo "== installing cognito-local (npm ci)"
(cd "$peer" && npm ci --no-audit --no-fund --loglevel=error)

peer_pid=
start_peer() {
  rm -rf "$peer/run"
  mkdir -p "$peer/run/.cognito"
  # Its default pools sign in by email; the tool's users have plain names,
  # as in Cognito's default pool.
  echo '{"UserPoolDefaults":{"UsernameAttributes":[]}}' >"$peer/run/.cognito/config.json"
  # It keeps its database under .cognito/ in its working directory.
  (cd "$peer/run" && HOST=127.0.0.1 PORT=$port exec node ../node_modules/cognito-local/lib/bin/start.js >>"$out/cognito-local.log" 2>&1) &
  peer_pid=$!
  for _ in $(seq 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return; fi
    sleep 0.1
  done
  echo "cognito-local did not start; see $out/cognito-local.log" >&2
  exit 1
}
stop_peer() {
  if [ -n "$peer_pid" ]; then
    kill "$peer_pid" 2>/dev/null || true
    wait "$peer_pid" 2>/dev/null || true
    peer_pid=
  fi
}
trap 'stop_peer; stop_server; pg_drop' EXIT

files=()
for w in $workloads; do
  extra=(-duration "$duration")
  [ "$w" = mfa ] && extra=(-access-token-enrolment -max-ops "$mfa_ops" -duration 10m -warmup 0s)
  for i in $(seq "$runs"); do
    # Alternate the servers run by run, so slow drifts of a shared machine
    # fall on both.
    echo "== cognito-local: $w, $users users, concurrency $concurrency, $duration (run $i of $runs)"
    start_peer
    server=$peer_pid
    measure "$out/cognito-local-$w-$i.json" -workload "$w" -users "$users" -concurrency "$concurrency" "${extra[@]}"
    server=
    stop_peer
    echo "== cognate: $w, $users users, concurrency $concurrency, $duration (run $i of $runs)"
    start_server
    measure "$out/cognate-$w-$i.json" -workload "$w" -users "$users" -concurrency "$concurrency" "${extra[@]}"
    stop_server
  done
done

echo
{
  echo "### cognito-local"
  "$out/cognate-bench" summarize "$out"/cognito-local-*.json
  echo
  echo "### Cognate"
  "$out/cognate-bench" summarize "$out"/cognate-*.json
  echo
  echo "### Ratios (Cognate / cognito-local, medians)"
  for w in $workloads; do
    python3 - "$w" "$out" <<'PY'
import json, glob, statistics, sys
w, out = sys.argv[1], sys.argv[2]
def med(kind, key):
    vals = []
    for f in glob.glob(f"{out}/{kind}-{w}-*.json"):
        if ".disturbed" in f:
            continue
        r = json.load(open(f))["runs"][0]
        vals.append(key(r))
    return statistics.median(vals)
thr = lambda r: r["throughput_ops_per_s"]
p50 = lambda r: r["latency_ms"]["p50"]
a, b = med("cognate", thr), med("cognito-local", thr)
if not a or not b:
    sys.exit(f"- {w}: no throughput to compare ({a} vs {b})")
la, lb = med("cognate", p50), med("cognito-local", p50)
print(f"- {w}: {a:.0f} vs {b:.0f} ops/s, **{a/b:.1f}×** the throughput; p50 {la:.1f} vs {lb:.1f} ms ({lb/la:.1f}× lower)")
PY
  done
} | tee "$out/summary.md"
