# Shared by the benchmark scripts (sourced, not run): building the binaries,
# admin keys, starting and stopping a server on a fresh store, and measure,
# which repeats a run disturbed by other load on a shared machine.
#
# The caller sets out (output dir) and port before sourcing. PG_URL, when
# set, gives the server a fresh PostgreSQL database (made and dropped here)
# instead of SQLite in the data dir.

# PostgreSQL's own CPU counts as "other" load, so with PG_URL the check for
# disturbed runs is off unless MAX_OTHER_CPU asks for it.
if [ -n "${PG_URL:-}" ]; then max_other=${MAX_OTHER_CPU:-0}; else max_other=${MAX_OTHER_CPU:-0.25}; fi
attempts=${ATTEMPTS:-4}

mkdir -p "$out"
{ git rev-parse HEAD; git status --porcelain; nproc; grep -m1 'model name' /proc/cpuinfo; go version; } >"$out/environment.txt" 2>&1 || true
go build -o "$out/cognate" ./cmd/cognate
go build -o "$out/cognate-bench" ./cmd/cognate-bench
export COGNATE_ACCESS_KEY_ID=AKBENCH${RANDOM}
COGNATE_SECRET_ACCESS_KEY=$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
export COGNATE_SECRET_ACCESS_KEY

# build_rev REV NAME: the server at git revision REV, built in a temporary
# worktree, as $out/NAME.
build_rev() {
  local wt
  wt=$(mktemp -d)
  git worktree add -q --detach "$wt" "$1"
  (cd "$wt" && go build -o "$out/$2" ./cmd/cognate)
  git worktree remove --force "$wt"
}

# pg_fresh makes the benchmark's PostgreSQL database anew and prints its URL.
pg_db=cognate_bench_$$
pg_fresh() {
  psql "$PG_URL" -qAt -c "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db" >/dev/null
  # Replace the database name in the URL (the path, before any query).
  local base=${PG_URL%%\?*} query=
  [ "$base" != "$PG_URL" ] && query="?${PG_URL#*\?}"
  echo "${base%/*}/$pg_db$query"
}
pg_drop() { [ -n "${PG_URL:-}" ] && psql "$PG_URL" -qAt -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true; }

# fresh_data makes an empty store: a new data dir (and database).
fresh_data() {
  rm -rf "$out/data"
  mkdir -p "$out/data"
  db_args=()
  if [ -n "${PG_URL:-}" ]; then db_args=(--database "$(pg_fresh)"); fi
}

# start_server [keep]: serves on $port from $out/data (fresh unless keep),
# and sets server (its pid) and startup_ms (launch to a healthy /health).
server=
startup_ms=
start_server() {
  [ "${1:-}" = keep ] || fresh_data
  local t0 t1
  t0=$(date +%s%N)
  "$out/cognate" serve --listen "127.0.0.1:$port" --data-dir "$out/data" "${db_args[@]}" >>"$out/server.log" 2>&1 &
  server=$!
  for _ in $(seq 2000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then
      t1=$(date +%s%N)
      startup_ms=$(( (t1 - t0) / 1000000 ))
      return
    fi
    sleep 0.005
  done
  echo "server did not start; see $out/server.log" >&2
  exit 1
}
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
  fi
}
trap 'stop_server; pg_drop' EXIT

bench() { "$out/cognate-bench" run -endpoint "http://127.0.0.1:$port" -server-pid "$server" -max-other-cpu "$max_other" -q "$@"; }

# measure FILE ARGS...: runs until the run is not disturbed (status 3), at
# most $attempts times; the last attempt is kept either way.
measure() {
  local f=$1 rc
  shift
  for a in $(seq "$attempts"); do
    rc=0
    bench "$@" -out "$f" || rc=$?
    if [ "$rc" = 3 ] && [ "$a" -lt "$attempts" ]; then
      mv "$f" "${f%.json}.disturbed$a.json"
      echo "   (disturbed by other load; again)"
      sleep 5
      continue
    fi
    [ "$rc" = 0 ] || [ "$rc" = 3 ] || exit "$rc"
    return
  done
}
