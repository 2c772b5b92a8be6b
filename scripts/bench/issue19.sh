#!/usr/bin/env bash
# Issue 19's figures at the current tree, each run on a fresh store: password at
# concurrency 16 against the floor (twice), password at concurrency 256 with the
# SDKs' back-off (twice), mfa at concurrency 16 on SQLite against the floor and
# on PostgreSQL (PG_URL, default the local server without TLS). ~6 min; output
# in OUT (default /tmp/cognate-issue19). Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp/cognate-issue19}
port=${PORT:-9441}
source scripts/bench/lib.sh
attempts=${ATTEMPTS:-2}
echo "== password, concurrency 16, with the floor"
for i in 1 2; do start_server; measure "$out/password-16-$i.json" -workload password -users 1000 -setup-concurrency 4 -concurrency 16 -duration 15s; stop_server; done
echo "== password, concurrency 256, -backoff"
for i in 1 2; do start_server; measure "$out/password-256-$i.json" -workload password -users 1000 -setup-concurrency 4 -concurrency 256 -duration 15s -floor=false -backoff; stop_server; done
echo "== mfa, concurrency 16, SQLite, with the floor"
start_server; measure "$out/mfa-16-sqlite.json" -workload mfa -users 6000 -setup-concurrency 8 -concurrency 16 -duration 15s; stop_server
echo "== mfa, concurrency 16, PostgreSQL"
PG_URL=${PG_URL:-'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'}
max_other=${MAX_OTHER_CPU:-0}
start_server; measure "$out/mfa-16-postgres.json" -workload mfa -users 6000 -setup-concurrency 8 -concurrency 16 -duration 15s -floor=false; stop_server
