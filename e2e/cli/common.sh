# Shared by the CLI suites (sourced, not run): the binary argument and the
# tools they need, the Python interpreter, and the ok/not ok counters.
# The caller sets NAME (its name in messages) before sourcing and passes
# its own arguments: . "$(dirname "$0")/common.sh" "$@"

if [ $# -ne 1 ]; then
	echo "usage: $0 PATH_TO_COGNATE_BINARY" >&2
	exit 2
fi
BIN=$1
# Absolute, so the suites may cd; a bare name is looked up on PATH.
case $BIN in /*) ;; */*) BIN="$(pwd)/$BIN" ;; *) BIN=$(command -v -- "$BIN" || echo "$BIN") ;; esac
if [ ! -x "$BIN" ]; then
	echo "$NAME: $BIN is not an executable file" >&2
	exit 2
fi
for tool in aws python3 curl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$NAME: $tool is not on PATH" >&2
		exit 2
	fi
done

# Resolve the interpreter once: a version-manager shim (pyenv, asdf) costs a
# noticeable fraction of a second per start, and the helpers start it often.
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
if [ -z "$PY" ] || [ ! -x "$PY" ]; then PY=python3; fi

PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $1: $2"; }
summary() { echo "$PASSED passed, $FAILED failed"; }
