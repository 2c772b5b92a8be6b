#!/usr/bin/env bash
# PostgreSQL transactions per mfa sign-in (InitiateAuth and the
# SOFTWARE_TOKEN_MFA answer), for the server at each revision given: a count
# that does not depend on the machine's load, unlike a rate.
#
#   PG_URL=postgres://postgres@127.0.0.1:5432/postgres scripts/bench/commits.sh integ1 HEAD
#
# Every statement outside a transaction is one (reads too). Each revision
# runs twice on a fresh database, LONG and SHORT sign-ins after the same
# set-up; the difference of pg_stat_database's xact_commit (read once the
# server stopped, when its connections have flushed their counts) divided
# by LONG - SHORT leaves the set-up and the health probes out.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] && [ -n "${PG_URL:-}" ] || { sed -n 2,12p "$0"; exit 2; }
out=${OUT:-/tmp/cognate-commits}
port=${PORT:-9333}
users=${USERS:-1000} long=${LONG:-900} short=${SHORT:-100}

source scripts/bench/lib.sh

commits() {
  psql "$PG_URL" -qAt -c "SELECT xact_commit FROM pg_stat_database WHERE datname = '$pg_db'"
}
run() { # run OPS: xact_commit after OPS sign-ins and the set-up
  start_server
  bench -workload mfa -users "$users" -max-ops "$1" -warmup 0s -duration 5m -concurrency 8 -floor=false -out "$out/run.json" >/dev/null || [ $? = 3 ]
  stop_server
  sleep 1
  commits
}
echo "| revision | transactions per mfa sign-in |"
echo "|---|--:|"
for rev in "$@"; do
  build_rev "$rev" cognate
  a=$(run "$long") b=$(run "$short")
  echo "| $rev | $(python3 -c "print(f'{($a - $b) / ($long - $short):.2f}')") |"
done
