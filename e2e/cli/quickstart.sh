#!/usr/bin/env bash
# The README's quickstart, run as written: the server started in a fresh
# directory (so it generates its admin credentials and prints them), the
# printed export lines pasted into the shell, then the quickstart's command
# block taken from README.md and run by bash. Only what a person fills in is
# filled in: the confirmation code (read from the outbox) and the
# authenticator's codes (computed by the README's own one-liner, waiting for
# the next 30-second step where a person would). The server listens on a free
# port, substituted for 127.0.0.1:9229, so that a server already running
# there does not matter.
#
# Usage: e2e/cli/quickstart.sh PATH_TO_COGNATE_BINARY
#
# Needs: aws, python3, curl. Prints "ok - NAME" / "not ok - NAME: detail"
# per check, the start-up time to a healthy /health and the server's
# resident memory (reported, never checked), and a closing
# "N passed, M failed" line; exits non-zero when anything failed.

set -u
set -o pipefail

NAME=quickstart
. "$(dirname "$0")/common.sh" "$@"
README="$(cd "$(dirname "$0")/../.." && pwd)/README.md"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cognate-quickstart.XXXXXX") || exit 2
SERVER_PID=""
cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill -9 "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

# --- the quickstart, taken from the README ------------------------------------
# The command block under "## Quickstart" and the TOTP one-liner after it.
"$PY" - "$README" "$WORK" <<'EOF' || { not_ok "README has a quickstart block and a TOTP one-liner" "see above"; summary; exit 1; }
import re, sys
text = open(sys.argv[1]).read()
section = text[text.index("## Quickstart"):]
blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
quick = blocks[0]
oneliner = next(b for b in blocks[1:] if "python3 -c" in b and "SECRETCODE" in b).strip()
open(sys.argv[2] + "/quickstart.sh", "w").write(quick)
open(sys.argv[2] + "/totp.sh", "w").write(oneliner)
EOF
ok "README has a quickstart block and a TOTP one-liner"

if grep -n '<[A-Za-z][^>]*>' "$WORK/quickstart.sh" >"$WORK/placeholders"; then
	not_ok "the quickstart has no <placeholder> to fill in by hand" "$(tr '\n' ' ' <"$WORK/placeholders")"
else
	ok "the quickstart has no <placeholder> to fill in by hand"
fi

# --- the server, started as a person starts it ----------------------------------
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
EP="http://127.0.0.1:$PORT"
mkdir -p "$WORK/cwd"
began=$("$PY" -c 'import time; print(time.time())')
(cd "$WORK/cwd" && exec "$BIN" serve --listen "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 </dev/null) &
SERVER_PID=$!
ready=""
for _ in $(seq 1 2000); do # up to 10 s
	kill -0 "$SERVER_PID" 2>/dev/null || break
	if curl -fsS --max-time 1 "$EP/health" >/dev/null 2>&1; then
		ready=$("$PY" -c "import time; print('%.0f' % ((time.time() - $began) * 1000))")
		break
	fi
	sleep 0.005
done
if [ -z "$ready" ]; then
	not_ok "server answers GET /health" "$(tail -n 20 "$WORK/server.log" | tr '\n' ' ')"
	summary
	exit 1
fi
ok "server answers GET /health"
rss() { awk '/^VmRSS:/ {print $2 " kB"}' "/proc/$SERVER_PID/status" 2>/dev/null || echo "n/a"; }
echo "# start-up to a healthy /health: ${ready} ms (from exec, curl polling every 5 ms)"
sleep 1
echo "# idle RSS of the server, 1 s after start: $(rss)"

if [ "$(grep -c '^export AWS_\(ACCESS_KEY_ID\|SECRET_ACCESS_KEY\)=' "$WORK/server.log")" -eq 2 ] &&
	grep -q 'kept in ./cognate-data/admin-credentials.json' "$WORK/server.log"; then
	ok "the server prints its generated credentials as export lines"
else
	not_ok "the server prints its generated credentials as export lines" "$(tr '\n' ' ' <"$WORK/server.log")"
fi

# --- a shell as the README's reader has it --------------------------------------
# Only what the CLI would otherwise read from this machine is shut out.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER AWS_CA_BUNDLE AWS_DEFAULT_OUTPUT AWS_REGION \
	AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
: >"$WORK/aws-config"
: >"$WORK/aws-credentials"
export AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER="" AWS_MAX_ATTEMPTS=1
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"

# The placeholders a person fills in, each of which must be in the block
# exactly once (so that a changed README fails here rather than passing
# by not running a step).
"$PY" - "$WORK/quickstart.sh" "$PORT" <<'EOF' || { not_ok "the quickstart's placeholders are where this script expects them" "see above"; summary; exit 1; }
import sys
path, port = sys.argv[1], sys.argv[2]
s = open(path).read()
subs = [
    ("--confirmation-code 123456", '--confirmation-code "$(outbox_code alice)"', 1),
    ("--user-code 123456", '--user-code "$(app_code "$SECRET")"', 1),
    ("SOFTWARE_TOKEN_MFA_CODE=123456", 'SOFTWARE_TOKEN_MFA_CODE="$(app_next_code "$SECRET")"', 1),
]
for old, new, n in subs:
    if s.count(old) != n:
        print("quickstart: %r appears %d times, expected %d" % (old, s.count(old), n))
        sys.exit(1)
    s = s.replace(old, new)
if "http://127.0.0.1:9229" not in s:
    print("quickstart: the endpoint http://127.0.0.1:9229 is not in the block")
    sys.exit(1)
s = s.replace("http://127.0.0.1:9229", "http://127.0.0.1:" + port)
open(path, "w").write(s)
EOF
ok "the quickstart's placeholders are where this script expects them"

# What a person does by hand, as shell functions the block calls.
{
	echo 'set -e -o pipefail'
	# The code a person reads from the outbox.
	echo "outbox_code() { curl -fsS '$EP/_cognate/outbox?username='\"\$1\" | '$PY' -c 'import json,sys; print(json.load(sys.stdin)[-1][\"code\"])'; }"
	# The authenticator app: the README's one-liner, for the given secret.
	echo "readme_totp() { $(sed 's/SECRETCODE/"$1"/' "$WORK/totp.sh"); }"
	echo "app_code() { date +%s >'$WORK/used'; readme_totp \"\$1\"; }"
	# A second code must come from a later step: wait for it, as a person would.
	echo "app_next_code() { local used now; used=\$((\$(cat '$WORK/used') / 30)); now=\$((\$(date +%s) / 30));"
	echo "  if [ \$now -le \$used ]; then echo \"# waiting \$(( (used + 1) * 30 - \$(date +%s) )) s for the app's next code\" >&2; while [ \$((\$(date +%s) / 30)) -le \$used ]; do sleep 0.2; done; fi"
	echo "  readme_totp \"\$1\"; }"
	# The export lines the server printed, pasted.
	grep '^export AWS_' "$WORK/server.log"
	cat "$WORK/quickstart.sh"
} >"$WORK/run.sh"

TIMEOUT=""
if command -v timeout >/dev/null 2>&1; then TIMEOUT="timeout 150"; fi
$TIMEOUT bash "$WORK/run.sh" >"$WORK/out" 2>"$WORK/err"
rc=$?
sed 's/^/#   /' "$WORK/err" | grep '^#   # waiting' || true
if [ $rc -eq 0 ]; then
	ok "the README quickstart runs to its end"
else
	not_ok "the README quickstart runs to its end" "exit $rc: $(tail -n 5 "$WORK/err" | tr '\n' ' ')"
fi

# What the README says each step answers.
check() {
	local name=$1 expr=$2
	if "$PY" -c "import sys; out = open(sys.argv[1]).read(); sys.exit(0 if ($expr) else 1)" "$WORK/out"; then
		ok "$name"
	else
		not_ok "$name" "output: $(head -c 600 "$WORK/out" | tr '\n' ' ')"
	fi
}
check "the outbox shows alice's confirmation code" '"\"purpose\"" in out and "\"username\":\"alice\"" in out.replace(" ", "")'
check "associate-software-token gives a SecretCode" '__import__("re").search(r"(^|[^A-Za-z0-9])[A-Z2-7]{16,}$", out, __import__("re").M)'
check "verify-software-token answers SUCCESS" '"SUCCESS" in out.splitlines()'
check "MFA_SETUP and the later SOFTWARE_TOKEN_MFA both give tokens" 'out.count("\"AccessToken\"") == 2 and out.count("\"IdToken\"") == 2 and out.count("\"RefreshToken\"") == 2'
check "the later sign-in asks SOFTWARE_TOKEN_MFA" '"SOFTWARE_TOKEN_MFA" in out.splitlines()'

echo "# RSS of the server after the quickstart: $(rss)"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
status=$?
SERVER_PID=""
if [ $status -eq 0 ]; then ok "the server exits 0 on SIGTERM"; else not_ok "the server exits 0 on SIGTERM" "status $status"; fi
if grep -v '^export AWS_' "$WORK/server.log" | grep -qF "$(grep '^export AWS_SECRET_ACCESS_KEY=' "$WORK/server.log" | cut -d= -f2)"; then
	not_ok "the server's log does not repeat the secret key" "it does"
else
	ok "the server's log does not repeat the secret key"
fi
summary
[ "$FAILED" -eq 0 ]
