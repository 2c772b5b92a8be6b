#!/usr/bin/env bash
# Cognito's authenticator-app (TOTP) MFA walkthrough, run with the real AWS CLI
# against a Cognate server, written the way AWS's guides write the commands.
#
# Usage: e2e/cli/walkthrough.sh PATH_TO_COGNATE_BINARY
#
# Needs: aws (AWS CLI v1 from pip or Debian's v2 package; only options both
# have are used), python3 (standard library only), curl.
# Prints "ok - NAME" / "not ok - NAME: detail" per check and a closing
# "N passed, M failed" line; exits non-zero when anything failed.
# Bounded: a watchdog stops the run after WALKTHROUGH_LIMIT seconds (160);
# each command is limited to 15 s, so the run ends within 3 minutes.

set -u
set -o pipefail

NAME=walkthrough
. "$(dirname "$0")/common.sh" "$@"

START=$SECONDS
WAITS=0
LIMIT=${WALKTHROUGH_LIMIT:-160}

# ---------------------------------------------------------------------------
# Reporting

# oneline TEXT: TEXT on one line, at most 900 characters.
oneline() {
	local s
	s=$(printf '%s' "$1" | tr '\n\r\t' '   ' | tr -s ' ')
	if [ ${#s} -gt 900 ]; then s="${s:0:900}..."; fi
	printf '%s' "$s"
}

# ---------------------------------------------------------------------------
# Scratch space, server, cleanup

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cognate-walkthrough.XXXXXX") || exit 2
SERVER_PID=""
WATCHDOG_PID=""

cleanup() {
	if [ -n "$WATCHDOG_PID" ]; then
		kill "$WATCHDOG_PID" 2>/dev/null
		wait "$WATCHDOG_PID" 2>/dev/null
	fi
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		local i
		for i in $(seq 1 50); do
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	rm -rf "$WORK"
}
on_signal() {
	trap - TERM INT
	not_ok "walkthrough finished in time" "stopped after $((SECONDS - START)) s (limit ${LIMIT} s or interrupted)"
	if [ -f "$WORK/server.log" ]; then
		echo "# server log (last lines):"
		tail -n 20 "$WORK/server.log" | sed 's/^/#   /'
	fi
	summary
	exit 124
}
trap cleanup EXIT
trap on_signal TERM INT

# Watchdog: the whole run is bounded whatever hangs.
(
	exec >/dev/null 2>&1 </dev/null
	sleep "$LIMIT" &
	sp=$!
	trap 'kill $sp; exit 0' TERM
	wait $sp
	kill -TERM $$
) &
WATCHDOG_PID=$!

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
EP="http://127.0.0.1:$PORT"
ADMIN_KEY_ID=AKIACOGNATEWALKTEST1
ADMIN_SECRET=walkthrough/Secret/Key/For/Cognate/Tests0

mkdir -p "$WORK/data"
: >"$WORK/aws-config"
: >"$WORK/aws-credentials"

# The AWS CLI sees only what this script gives it.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER AWS_CA_BUNDLE \
	AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
	AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_USE_FIPS_ENDPOINT AWS_USE_DUALSTACK_ENDPOINT
export AWS_ACCESS_KEY_ID=$ADMIN_KEY_ID
export AWS_SECRET_ACCESS_KEY=$ADMIN_SECRET
export AWS_DEFAULT_REGION=us-east-1
export AWS_REGION=us-east-1
export AWS_PAGER=""
export AWS_CONFIG_FILE="$WORK/aws-config"
export AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"
export AWS_EC2_METADATA_DISABLED=true
export AWS_MAX_ATTEMPTS=1
export AWS_RETRY_MODE=standard
export AWS_CLI_AUTO_PROMPT=off
export AWS_DEFAULT_OUTPUT=json
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"

COGNATE_ACCESS_KEY_ID=$ADMIN_KEY_ID COGNATE_SECRET_ACCESS_KEY=$ADMIN_SECRET \
	"$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" \
	>"$WORK/server.log" 2>&1 </dev/null &
SERVER_PID=$!

ready=""
for _ in $(seq 1 100); do # 100 x 0.1 s = 10 s
	if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
	if curl -fsS --max-time 1 "$EP/health" >/dev/null 2>&1; then
		ready=yes
		break
	fi
	sleep 0.1
done
if [ -z "$ready" ]; then
	if kill -0 "$SERVER_PID" 2>/dev/null; then
		why="not ready within 10 s"
	else
		wait "$SERVER_PID"
		why="server exited with status $? before answering"
		SERVER_PID=""
	fi
	not_ok "server answers GET /health" "$why; log: $(oneline "$(tail -n 20 "$WORK/server.log")")"
	summary
	exit 1
fi
ok "server answers GET /health"

# ---------------------------------------------------------------------------
# Running commands

TIMEOUT=""
if command -v timeout >/dev/null 2>&1; then TIMEOUT="timeout 15"; fi

cog() {
	$TIMEOUT aws cognito-idp "$@" --endpoint-url "$EP" --output json \
		--cli-connect-timeout 5 --cli-read-timeout 10 </dev/null
}

# call ARGS...: runs cog ARGS; sets OUT (stdout), ERR (stderr), RC and CMD.
OUT=""
ERR=""
RC=0
CMD=""
call() {
	CMD="aws cognito-idp $*"
	OUT=$(cog "$@" 2>"$WORK/stderr")
	RC=$?
	ERR=$(cat "$WORK/stderr")
}

# Python helpers over JSON read from standard input.
PY_GET='
import json, sys
try:
    d = json.loads(sys.stdin.read())
except Exception:
    sys.exit(0)
for k in sys.argv[1].split("."):
    if isinstance(d, list):
        try:
            d = d[int(k)]
        except Exception:
            sys.exit(0)
    elif isinstance(d, dict) and k in d:
        d = d[k]
    else:
        sys.exit(0)
print(d if isinstance(d, str) else json.dumps(d))
'
PY_TEST='
import json, sys
expr, a = sys.argv[1], sys.argv[2:]
def attrs(lst):
    return {x["Name"]: x.get("Value") for x in (lst or [])}
text = sys.stdin.read()
try:
    d = json.loads(text) if text.strip() else {}  # void operations print nothing
except Exception as e:
    print("output is not JSON (%s)" % e)
    sys.exit(1)
try:
    r = eval(expr, {"attrs": attrs, "json": json, "d": d, "a": a})
except Exception as e:
    print("%s: %s" % (type(e).__name__, e))
    sys.exit(1)
sys.exit(0 if r else 1)
'

# jget PATH: the value at PATH (dot-separated keys, list indexes) of $OUT, or "".
jget() { printf '%s' "$OUT" | "$PY" -c "$PY_GET" "$1"; }

# expect_ok NAME EXPR [ARGS...]: the last call succeeded and the Python
# expression EXPR holds for its JSON output d (ARGS available as a[0], ...).
expect_ok() {
	local name=$1 expr=$2 why
	shift 2
	if [ "$RC" -ne 0 ]; then
		not_ok "$name" "expected success with $expr; got exit $RC from: $(oneline "$CMD"): $(oneline "$ERR $OUT")"
		return 1
	fi
	if why=$(printf '%s' "$OUT" | "$PY" -c "$PY_TEST" "$expr" "$@"); then
		ok "$name"
		return 0
	fi
	not_ok "$name" "expected $expr${*:+ (a=$*)}${why:+ [$why]}; got: $(oneline "$OUT")"
	return 1
}

# expect_error NAME ERRORS: the last call failed with one of ERRORS (an
# extended regex of error names, e.g. 'A|B').
expect_error() {
	local name=$1 want=$2
	if [ "$RC" -eq 0 ]; then
		not_ok "$name" "expected error ($want); got success from: $(oneline "$CMD"): $(oneline "$OUT")"
		return 1
	fi
	if printf '%s' "$ERR" | grep -Eq "An error occurred \\(($want)\\)"; then
		ok "$name"
		return 0
	fi
	not_ok "$name" "expected error ($want); got exit $RC: $(oneline "$ERR $OUT")"
	return 1
}

# outbox_code POOL USERNAME: the newest delivered code; outbox_count: how many.
outbox() { curl -fsS --max-time 5 "$EP/_cognate/outbox?pool=$1&username=$2"; }
outbox_code() {
	outbox "$1" "$2" | "$PY" -c 'import json,sys; m=json.load(sys.stdin); print(m[-1]["code"] if m else "")'
}
outbox_count() {
	outbox "$1" "$2" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))'
}

# ---------------------------------------------------------------------------
# TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps)

PY_TOTP='
import base64, hashlib, hmac, struct, sys, time
def code(secret, step):
    s = secret.strip().upper()
    key = base64.b32decode(s + "=" * (-len(s) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    o = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)
cmd = sys.argv[1]
now = int(time.time() // 30)
if cmd == "step":
    print(now)
elif cmd == "code":
    print(code(sys.argv[2], int(sys.argv[3])))
elif cmd == "wrong":
    near = {code(sys.argv[2], now + i) for i in range(-3, 4)}
    c = (int(code(sys.argv[2], now)) + 500000) % 1000000
    while "%06d" % c in near:
        c = (c + 1) % 1000000
    print("%06d" % c)
elif cmd == "until":
    print("%.2f" % max(0.0, int(sys.argv[2]) * 30 - time.time() + 0.3))
'
totp() { "$PY" -c "$PY_TOTP" "$@"; }

# fresh_totp SECRET LAST_STEP: sets CODE/CODE_STEP to a code the server must
# accept: its step is later than LAST_STEP (replay protection) and within one
# step of now. Uses the current step, else the next one (accepted as +1
# drift), else waits for the clock to reach the next step.
CODE=""
CODE_STEP=0
fresh_totp() {
	local secret=$1 last=$2 cur pause
	cur=$(totp step)
	if [ "$cur" -gt "$last" ]; then
		CODE_STEP=$cur
	elif [ $((cur + 1)) -gt "$last" ]; then
		CODE_STEP=$((cur + 1))
	else
		pause=$(totp until "$last")
		WAITS=$((WAITS + 1))
		echo "# waiting ${pause} s for the next TOTP time step (wait $WAITS)"
		sleep "$pause"
		CODE_STEP=$((last + 1))
	fi
	CODE=$(totp code "$secret" "$CODE_STEP")
}

# ---------------------------------------------------------------------------
# The walkthrough

PASSWORD='Corr3ct-Horse-Battery!'
BAD_PASSWORD='Wrong-Horse-Battery!9'
U1=alice
U1_EMAIL=alice@example.com
U2=bob
U2_EMAIL=bob@example.com
U3=carol
U3_EMAIL=carol@example.com

echo "# AWS CLI: $(aws --version 2>&1 | head -n 1)"
echo "# endpoint: $EP"

## 1. A user pool that requires an authenticator app, and an app client.

call create-user-pool --pool-name walkthrough-mfa \
	--auto-verified-attributes email \
	--policies 'PasswordPolicy={MinimumLength=8,RequireUppercase=true,RequireLowercase=true,RequireNumbers=true,RequireSymbols=false}'
expect_ok "create-user-pool" 'd["UserPool"]["Id"].startswith("us-east-1_") and d["UserPool"]["Name"] == "walkthrough-mfa" and d["UserPool"]["Policies"]["PasswordPolicy"]["MinimumLength"] == 8 and "email" in d["UserPool"].get("AutoVerifiedAttributes", [])'
POOL=$(jget UserPool.Id)

call set-user-pool-mfa-config --user-pool-id "$POOL" \
	--software-token-mfa-configuration Enabled=true \
	--mfa-configuration ON
expect_ok "set-user-pool-mfa-config ON with software token" 'd.get("MfaConfiguration") == "ON" and d.get("SoftwareTokenMfaConfiguration", {}).get("Enabled") is True'

call get-user-pool-mfa-config --user-pool-id "$POOL"
expect_ok "get-user-pool-mfa-config shows ON + software token" 'd.get("MfaConfiguration") == "ON" and d.get("SoftwareTokenMfaConfiguration", {}).get("Enabled") is True'

call create-user-pool-client --user-pool-id "$POOL" --client-name walkthrough-app \
	--no-generate-secret \
	--explicit-auth-flows ALLOW_USER_PASSWORD_AUTH ALLOW_ADMIN_USER_PASSWORD_AUTH ALLOW_REFRESH_TOKEN_AUTH
expect_ok "create-user-pool-client (no secret)" '(c := d["UserPoolClient"]) and c["UserPoolId"] == a[0] and c["ClientName"] == "walkthrough-app" and "ClientSecret" not in c and set(c["ExplicitAuthFlows"]) == {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}' "$POOL"
CLIENT=$(jget UserPoolClient.ClientId)

call describe-user-pool --user-pool-id "$POOL"
expect_ok "describe-user-pool" '(p := d["UserPool"]) and p["Id"] == a[0] and p["MfaConfiguration"] == "ON" and "email" in p.get("AutoVerifiedAttributes", []) and p["Policies"]["PasswordPolicy"]["RequireUppercase"] is True' "$POOL"

call list-user-pools --max-results 10
expect_ok "list-user-pools --max-results 10" 'any(p["Id"] == a[0] and p["Name"] == "walkthrough-mfa" for p in d["UserPools"])' "$POOL"

call describe-user-pool-client --user-pool-id "$POOL" --client-id "$CLIENT"
expect_ok "describe-user-pool-client" '(c := d["UserPoolClient"]) and c["ClientId"] == a[0] and c["UserPoolId"] == a[1] and "ClientSecret" not in c and "ALLOW_USER_PASSWORD_AUTH" in c["ExplicitAuthFlows"]' "$CLIENT" "$POOL"

call list-user-pool-clients --user-pool-id "$POOL"
expect_ok "list-user-pool-clients" '[(c["ClientId"], c["ClientName"]) for c in d["UserPoolClients"]] == [(a[0], "walkthrough-app")]' "$CLIENT"

## 2. Sign-up and confirmation.

call sign-up --client-id "$CLIENT" --username "$U1" --password "$PASSWORD" \
	--user-attributes Name=email,Value="$U1_EMAIL"
expect_ok "sign-up" 'd["UserConfirmed"] is False and d["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL" and d["CodeDeliveryDetails"]["AttributeName"] == "email" and d["CodeDeliveryDetails"]["Destination"] not in ("", a[0]) and d.get("UserSub")' "$U1_EMAIL"

SIGNUP_CODE=$(outbox_code "$POOL" "$U1")
if [ -n "$SIGNUP_CODE" ]; then
	ok "confirmation code delivered to the outbox"
else
	not_ok "confirmation code delivered to the outbox" "expected a code in $EP/_cognate/outbox?pool=$POOL&username=$U1; got: $(oneline "$(outbox "$POOL" "$U1" 2>&1)")"
fi
WRONG_SIGNUP_CODE=000000
[ "$SIGNUP_CODE" = 000000 ] && WRONG_SIGNUP_CODE=111111

call confirm-sign-up --client-id "$CLIENT" --username "$U1" --confirmation-code "$WRONG_SIGNUP_CODE"
expect_error "confirm-sign-up with a wrong code" CodeMismatchException

call confirm-sign-up --client-id "$CLIENT" --username "$U1" --confirmation-code "$SIGNUP_CODE"
expect_ok "confirm-sign-up with the delivered code" 'True'

call admin-get-user --user-pool-id "$POOL" --username "$U1"
expect_ok "admin-get-user: confirmed, email verified" 'd["UserStatus"] == "CONFIRMED" and attrs(d["UserAttributes"]).get("email") == a[0] and attrs(d["UserAttributes"]).get("email_verified") == "true"' "$U1_EMAIL"

call sign-up --client-id "$CLIENT" --username "$U2" --password "$PASSWORD" \
	--user-attributes Name=email,Value="$U2_EMAIL"
expect_ok "sign-up second user" 'd["UserConfirmed"] is False'
before=$(outbox_count "$POOL" "$U2" 2>/dev/null || echo 0)

call resend-confirmation-code --client-id "$CLIENT" --username "$U2"
expect_ok "resend-confirmation-code" 'd["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL" and d["CodeDeliveryDetails"]["AttributeName"] == "email"'
after=$(outbox_count "$POOL" "$U2" 2>/dev/null || echo 0)
if [ "$after" -gt "$before" ]; then
	ok "resent code delivered to the outbox"
else
	not_ok "resent code delivered to the outbox" "expected more than $before messages for $U2; got $after"
fi

call admin-get-user --user-pool-id "$POOL" --username "$U2"
expect_ok "admin-get-user: second user UNCONFIRMED" 'd["UserStatus"] == "UNCONFIRMED"'

call admin-confirm-sign-up --user-pool-id "$POOL" --username "$U2"
expect_ok "admin-confirm-sign-up" 'True'

call admin-get-user --user-pool-id "$POOL" --username "$U2"
expect_ok "admin-get-user: second user CONFIRMED" 'd["Username"] == a[0] and d["UserStatus"] == "CONFIRMED" and d["Enabled"] is True' "$U2"

## 3. First sign-in: the pool requires MFA, so the user sets up an authenticator.

call initiate-auth --client-id "$CLIENT" --auth-flow USER_PASSWORD_AUTH \
	--auth-parameters USERNAME="$U1",PASSWORD="$BAD_PASSWORD"
expect_error "initiate-auth with a wrong password" NotAuthorizedException

call initiate-auth --client-id "$CLIENT" --auth-flow USER_PASSWORD_AUTH \
	--auth-parameters USERNAME="$U1",PASSWORD="$PASSWORD"
expect_ok "initiate-auth → MFA_SETUP" 'd["ChallengeName"] == "MFA_SETUP" and "SOFTWARE_TOKEN_MFA" in json.loads(d["ChallengeParameters"]["MFAS_CAN_SETUP"]) and len(d["Session"]) >= 20 and "AuthenticationResult" not in d'
S1=$(jget Session)

call associate-software-token --session "$S1"
expect_ok "associate-software-token --session" 'len(d["SecretCode"]) >= 16 and d["SecretCode"].isalnum() and len(d["Session"]) >= 20'
SECRET1=$(jget SecretCode)
S2=$(jget Session)
U1_LAST=0

call verify-software-token --session "$S2" --user-code "$(totp wrong "$SECRET1")"
expect_error "verify-software-token with a wrong code" EnableSoftwareTokenMFAException

fresh_totp "$SECRET1" "$U1_LAST"
call verify-software-token --session "$S2" --user-code "$CODE" --friendly-device-name "Alice's phone"
expect_ok "verify-software-token with the right code" 'd["Status"] == "SUCCESS" and len(d["Session"]) >= 20' && U1_LAST=$CODE_STEP
S3=$(jget Session)

call respond-to-auth-challenge --client-id "$CLIENT" --challenge-name MFA_SETUP \
	--session "$S3" --challenge-responses USERNAME="$U1"
expect_ok "respond-to-auth-challenge MFA_SETUP → tokens" '(r := d["AuthenticationResult"]) and all(r.get(k) for k in ("IdToken", "AccessToken", "RefreshToken")) and r["TokenType"] == "Bearer" and isinstance(r["ExpiresIn"], int) and r["ExpiresIn"] > 0 and "ChallengeName" not in d'
ACCESS1=$(jget AuthenticationResult.AccessToken)
REFRESH1=$(jget AuthenticationResult.RefreshToken)

## 4. The user's MFA settings.

call get-user --access-token "$ACCESS1"
expect_ok "get-user shows SOFTWARE_TOKEN_MFA enabled and preferred" 'd["Username"] == a[0] and "SOFTWARE_TOKEN_MFA" in d.get("UserMFASettingList", []) and d.get("PreferredMfaSetting") == "SOFTWARE_TOKEN_MFA" and attrs(d["UserAttributes"]).get("email") == a[1]' "$U1" "$U1_EMAIL"

call admin-get-user --user-pool-id "$POOL" --username "$U1"
expect_ok "admin-get-user shows SOFTWARE_TOKEN_MFA enabled and preferred" 'd["Username"] == a[0] and "SOFTWARE_TOKEN_MFA" in d.get("UserMFASettingList", []) and d.get("PreferredMfaSetting") == "SOFTWARE_TOKEN_MFA"' "$U1"

## 5. Signing in with the authenticator.

call initiate-auth --client-id "$CLIENT" --auth-flow USER_PASSWORD_AUTH \
	--auth-parameters USERNAME="$U1",PASSWORD="$PASSWORD"
expect_ok "initiate-auth → SOFTWARE_TOKEN_MFA" 'd["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and len(d["Session"]) >= 20 and "AuthenticationResult" not in d'
S4=$(jget Session)

call respond-to-auth-challenge --client-id "$CLIENT" --challenge-name SOFTWARE_TOKEN_MFA \
	--session "$S4" --challenge-responses USERNAME="$U1",SOFTWARE_TOKEN_MFA_CODE="$(totp wrong "$SECRET1")"
expect_error "respond-to-auth-challenge with a wrong TOTP code" CodeMismatchException

fresh_totp "$SECRET1" "$U1_LAST"
call respond-to-auth-challenge --client-id "$CLIENT" --challenge-name SOFTWARE_TOKEN_MFA \
	--session "$S4" --challenge-responses USERNAME="$U1",SOFTWARE_TOKEN_MFA_CODE="$CODE"
expect_ok "respond-to-auth-challenge with the right code (same session) → tokens" '(r := d["AuthenticationResult"]) and all(r.get(k) for k in ("IdToken", "AccessToken", "RefreshToken")) and r["TokenType"] == "Bearer"' && U1_LAST=$CODE_STEP
USED_CODE=$CODE

call initiate-auth --client-id "$CLIENT" --auth-flow USER_PASSWORD_AUTH \
	--auth-parameters USERNAME="$U1",PASSWORD="$PASSWORD"
expect_ok "initiate-auth again → SOFTWARE_TOKEN_MFA" 'd["ChallengeName"] == "SOFTWARE_TOKEN_MFA"'
S5=$(jget Session)
call respond-to-auth-challenge --client-id "$CLIENT" --challenge-name SOFTWARE_TOKEN_MFA \
	--session "$S5" --challenge-responses USERNAME="$U1",SOFTWARE_TOKEN_MFA_CODE="$USED_CODE"
# Cognito refuses a code whose time step was already used with
# ExpiredCodeException "Your software token has already been used once."
# (Amplify Swift's MFA integration tests against Cognito, and applications
# that handle that message), not with CodeMismatchException.
expect_error "replaying a used TOTP code → ExpiredCodeException" ExpiredCodeException

call admin-initiate-auth --user-pool-id "$POOL" --client-id "$CLIENT" \
	--auth-flow ADMIN_USER_PASSWORD_AUTH \
	--auth-parameters USERNAME="$U1",PASSWORD="$PASSWORD"
expect_ok "admin-initiate-auth → SOFTWARE_TOKEN_MFA" 'd["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and len(d["Session"]) >= 20'
S6=$(jget Session)

fresh_totp "$SECRET1" "$U1_LAST"
call admin-respond-to-auth-challenge --user-pool-id "$POOL" --client-id "$CLIENT" \
	--challenge-name SOFTWARE_TOKEN_MFA --session "$S6" \
	--challenge-responses USERNAME="$U1",SOFTWARE_TOKEN_MFA_CODE="$CODE"
expect_ok "admin-respond-to-auth-challenge SOFTWARE_TOKEN_MFA → tokens" '(r := d["AuthenticationResult"]) and all(r.get(k) for k in ("IdToken", "AccessToken", "RefreshToken")) and r["TokenType"] == "Bearer"' && U1_LAST=$CODE_STEP

## 6. Refreshing tokens.

call initiate-auth --client-id "$CLIENT" --auth-flow REFRESH_TOKEN_AUTH \
	--auth-parameters REFRESH_TOKEN="$REFRESH1"
expect_ok "initiate-auth REFRESH_TOKEN_AUTH → new access and ID tokens" '(r := d["AuthenticationResult"]) and r.get("AccessToken") and r.get("IdToken") and r["TokenType"] == "Bearer" and "ChallengeName" not in d'
# Without refresh-token rotation on the client, Cognito returns no new refresh token.
expect_ok "initiate-auth REFRESH_TOKEN_AUTH returns no refresh token" '"RefreshToken" not in d["AuthenticationResult"]'
ACCESS2=$(jget AuthenticationResult.AccessToken)

call get-user --access-token "$ACCESS2"
expect_ok "get-user with the refreshed access token" 'd["Username"] == a[0]' "$U1"

has_gtfrt=""
if aws cognito-idp help 2>/dev/null </dev/null | grep -q get-tokens-from-refresh-token; then
	has_gtfrt=yes
else
	# No man page renderer (groff) on some machines: ask the parser instead.
	probe=$(aws cognito-idp get-tokens-from-refresh-token </dev/null 2>&1)
	if ! printf '%s' "$probe" | grep -qi 'invalid choice'; then has_gtfrt=yes; fi
fi
if [ -n "$has_gtfrt" ]; then
	call get-tokens-from-refresh-token --client-id "$CLIENT" --refresh-token "$REFRESH1"
	expect_ok "get-tokens-from-refresh-token → new access and ID tokens" '(r := d["AuthenticationResult"]) and r.get("AccessToken") and r.get("IdToken") and r["TokenType"] == "Bearer"'
else
	echo "# note: this AWS CLI has no get-tokens-from-refresh-token; that step is skipped"
fi

## 7. An optional-MFA pool: a signed-in user adds an authenticator.

call create-user-pool --pool-name walkthrough-optional --auto-verified-attributes email
expect_ok "create-user-pool (second pool)" 'd["UserPool"]["Id"].startswith("us-east-1_") and d["UserPool"]["Id"] != a[0]' "$POOL"
POOL2=$(jget UserPool.Id)

call set-user-pool-mfa-config --user-pool-id "$POOL2" \
	--software-token-mfa-configuration Enabled=true \
	--mfa-configuration OPTIONAL
expect_ok "set-user-pool-mfa-config OPTIONAL with software token" 'd.get("MfaConfiguration") == "OPTIONAL" and d.get("SoftwareTokenMfaConfiguration", {}).get("Enabled") is True'

call create-user-pool-client --user-pool-id "$POOL2" --client-name walkthrough-app2 \
	--no-generate-secret \
	--explicit-auth-flows ALLOW_USER_PASSWORD_AUTH ALLOW_ADMIN_USER_PASSWORD_AUTH ALLOW_REFRESH_TOKEN_AUTH
expect_ok "create-user-pool-client (second pool)" '"ClientSecret" not in d["UserPoolClient"]'
CLIENT2=$(jget UserPoolClient.ClientId)

call sign-up --client-id "$CLIENT2" --username "$U3" --password "$PASSWORD" \
	--user-attributes Name=email,Value="$U3_EMAIL"
expect_ok "sign-up (second pool)" 'd["UserConfirmed"] is False'
call admin-confirm-sign-up --user-pool-id "$POOL2" --username "$U3"
expect_ok "admin-confirm-sign-up (second pool)" 'True'

call initiate-auth --client-id "$CLIENT2" --auth-flow USER_PASSWORD_AUTH \
	--auth-parameters USERNAME="$U3",PASSWORD="$PASSWORD"
expect_ok "initiate-auth without MFA → tokens at once" '"ChallengeName" not in d and d["AuthenticationResult"].get("AccessToken")'
ACCESS3=$(jget AuthenticationResult.AccessToken)

call associate-software-token --access-token "$ACCESS3"
expect_ok "associate-software-token --access-token" 'len(d["SecretCode"]) >= 16 and d["SecretCode"].isalnum()'
SECRET3=$(jget SecretCode)
U3_LAST=0

fresh_totp "$SECRET3" "$U3_LAST"
call verify-software-token --access-token "$ACCESS3" --user-code "$CODE" --friendly-device-name "Carol's phone"
expect_ok "verify-software-token --access-token" 'd["Status"] == "SUCCESS"' && U3_LAST=$CODE_STEP

call set-user-mfa-preference --access-token "$ACCESS3" \
	--software-token-mfa-settings Enabled=true,PreferredMfa=true
expect_ok "set-user-mfa-preference software token enabled + preferred" 'True'

call admin-get-user --user-pool-id "$POOL2" --username "$U3"
expect_ok "admin-get-user shows the preference" '"SOFTWARE_TOKEN_MFA" in d.get("UserMFASettingList", []) and d.get("PreferredMfaSetting") == "SOFTWARE_TOKEN_MFA"'

call initiate-auth --client-id "$CLIENT2" --auth-flow USER_PASSWORD_AUTH \
	--auth-parameters USERNAME="$U3",PASSWORD="$PASSWORD"
expect_ok "initiate-auth after enabling → SOFTWARE_TOKEN_MFA" 'd["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and "AuthenticationResult" not in d'
S7=$(jget Session)

fresh_totp "$SECRET3" "$U3_LAST"
call respond-to-auth-challenge --client-id "$CLIENT2" --challenge-name SOFTWARE_TOKEN_MFA \
	--session "$S7" --challenge-responses USERNAME="$U3",SOFTWARE_TOKEN_MFA_CODE="$CODE"
expect_ok "respond-to-auth-challenge SOFTWARE_TOKEN_MFA (second pool) → tokens" 'd["AuthenticationResult"].get("AccessToken")' && U3_LAST=$CODE_STEP

call admin-set-user-mfa-preference --user-pool-id "$POOL2" --username "$U3" \
	--software-token-mfa-settings Enabled=false,PreferredMfa=false
expect_ok "admin-set-user-mfa-preference software token disabled" 'True'

call initiate-auth --client-id "$CLIENT2" --auth-flow USER_PASSWORD_AUTH \
	--auth-parameters USERNAME="$U3",PASSWORD="$PASSWORD"
expect_ok "initiate-auth after disabling → tokens at once" '"ChallengeName" not in d and d["AuthenticationResult"].get("AccessToken")'

## 8. Listing users.

call list-users --user-pool-id "$POOL" --filter "email = \"$U1_EMAIL\""
expect_ok "list-users --filter email =" '[u["Username"] for u in d["Users"]] == [a[0]]' "$U1"

call list-users --user-pool-id "$POOL" --filter "username ^= \"al\""
expect_ok "list-users --filter username ^=" '[u["Username"] for u in d["Users"]] == [a[0]]' "$U1"

call list-users --user-pool-id "$POOL" --limit 1
expect_ok "list-users --limit 1 → one user and a PaginationToken" 'len(d["Users"]) == 1 and d.get("PaginationToken")'
FIRST=$(jget Users.0.Username)
TOKEN=$(jget PaginationToken)

call list-users --user-pool-id "$POOL" --limit 1 --pagination-token "$TOKEN"
expect_ok "list-users --pagination-token → the other user" '[u["Username"] for u in d["Users"]] != [a[0]] and len(d["Users"]) == 1 and {u["Username"] for u in d["Users"]} <= {a[1], a[2]}' "$FIRST" "$U1" "$U2"

call list-users --user-pool-id "$POOL" --attributes-to-get email
expect_ok "list-users --attributes-to-get email" 'sorted(u["Username"] for u in d["Users"]) == sorted(a) and all([x["Name"] for x in u.get("Attributes", [])] == ["email"] for u in d["Users"])' "$U1" "$U2"

## 8b. Importing users from a CSV file, as Cognito's guide does it: the header
## from get-csv-header, create-user-import-job, the guide's curl to the
## pre-signed URL, start-user-import-job, describe-user-import-job.

call get-csv-header --user-pool-id "$POOL2"
expect_ok "get-csv-header" 'd["CSVHeader"][-2:] == ["cognito:mfa_enabled", "cognito:username"] and "email_verified" in d["CSVHeader"]'
"$PY" -c '
import json, sys
h = json.loads(sys.argv[1])["CSVHeader"]
rows = [{"cognito:username": n, "email": n + "@example.com", "email_verified": "TRUE", "cognito:mfa_enabled": "FALSE"} for n in ("csv-dora", "csv-eve")]
rows.append({"cognito:username": "csv-frank", "email": "frank@example.com", "email_verified": "FALSE", "cognito:mfa_enabled": "FALSE"})
print(",".join(h))
for r in rows:
    print(",".join(r.get(c, "") for c in h))
' "$OUT" >"$WORK/users.csv"

call create-user-import-job --job-name walkthrough-import --user-pool-id "$POOL2" \
	--cloud-watch-logs-role-arn arn:aws:iam::123456789012:role/CognitoImport
expect_ok "create-user-import-job" 'd["UserImportJob"]["Status"] == "Created" and d["UserImportJob"]["JobId"].startswith("import-")'
IMPORT_JOB=$(jget UserImportJob.JobId)
PRE_SIGNED_URL=$(jget UserImportJob.PreSignedUrl)

UPLOAD=$(curl -v --max-time 15 -T "$WORK/users.csv" -H "x-amz-server-side-encryption:aws:kms" "$PRE_SIGNED_URL" 2>&1)
if printf '%s' "$UPLOAD" | grep -q "We are completely uploaded and fine" && printf '%s' "$UPLOAD" | grep -q "< HTTP/1.1 200"; then
	ok "curl -T to the pre-signed URL"
else
	not_ok "curl -T to the pre-signed URL" "$(oneline "$UPLOAD")"
fi

call start-user-import-job --user-pool-id "$POOL2" --job-id "$IMPORT_JOB"
expect_ok "start-user-import-job" 'd["UserImportJob"]["Status"] in ("Pending", "InProgress", "Succeeded")'

for i in $(seq 1 50); do
	call describe-user-import-job --user-pool-id "$POOL2" --job-id "$IMPORT_JOB"
	case $(jget UserImportJob.Status) in Pending | InProgress) sleep 0.1 ;; *) break ;; esac
done
expect_ok "describe-user-import-job: 2 imported, 1 failed" 'd["UserImportJob"]["Status"] == "Succeeded" and d["UserImportJob"]["ImportedUsers"] == 2 and d["UserImportJob"]["FailedUsers"] == 1'

call admin-get-user --user-pool-id "$POOL2" --username csv-dora
expect_ok "an imported user is RESET_REQUIRED" 'd["UserStatus"] == "RESET_REQUIRED" and attrs(d["UserAttributes"]).get("email") == "csv-dora@example.com"'

call initiate-auth --client-id "$CLIENT2" --auth-flow USER_PASSWORD_AUTH \
	--auth-parameters USERNAME=csv-dora,PASSWORD="$PASSWORD"
expect_error "initiate-auth by an imported user" PasswordResetRequiredException

call list-user-import-jobs --user-pool-id "$POOL2" --max-results 5
expect_ok "list-user-import-jobs" '[j["JobId"] for j in d["UserImportJobs"]] == [a[0]]' "$IMPORT_JOB"

## 9. Refused admin calls, disabling, deleting.

AWS_SECRET_ACCESS_KEY=not-the-right-secret-key call list-user-pools --max-results 10
expect_error "admin call signed with a wrong secret key" InvalidSignatureException

AWS_ACCESS_KEY_ID=AKIAUNKNOWNWALKTEST9 call list-user-pools --max-results 10
expect_error "admin call signed with an unknown access key" UnrecognizedClientException

call list-user-pools --max-results 10 --no-sign-request
expect_error "admin call without a signature" 'MissingAuthenticationTokenException|MissingAuthenticationToken|UnrecognizedClientException|AccessDeniedException|NotAuthorizedException|IncompleteSignatureException'

call admin-disable-user --user-pool-id "$POOL2" --username "$U3"
expect_ok "admin-disable-user" 'True'

call initiate-auth --client-id "$CLIENT2" --auth-flow USER_PASSWORD_AUTH \
	--auth-parameters USERNAME="$U3",PASSWORD="$PASSWORD"
expect_error "initiate-auth by a disabled user" NotAuthorizedException

call admin-get-user --user-pool-id "$POOL2" --username "$U3"
expect_ok "admin-get-user shows the user disabled" 'd["Enabled"] is False'

call admin-enable-user --user-pool-id "$POOL2" --username "$U3"
expect_ok "admin-enable-user" 'True'

call initiate-auth --client-id "$CLIENT2" --auth-flow USER_PASSWORD_AUTH \
	--auth-parameters USERNAME="$U3",PASSWORD="$PASSWORD"
expect_ok "initiate-auth after admin-enable-user → tokens" 'd["AuthenticationResult"].get("AccessToken")'

call admin-delete-user --user-pool-id "$POOL2" --username "$U3"
expect_ok "admin-delete-user" 'True'

call admin-get-user --user-pool-id "$POOL2" --username "$U3"
expect_error "admin-get-user after admin-delete-user" UserNotFoundException

call delete-user-pool-client --user-pool-id "$POOL2" --client-id "$CLIENT2"
expect_ok "delete-user-pool-client" 'True'

call describe-user-pool-client --user-pool-id "$POOL2" --client-id "$CLIENT2"
expect_error "describe-user-pool-client after delete" ResourceNotFoundException

call delete-user-pool --user-pool-id "$POOL2"
expect_ok "delete-user-pool (second pool)" 'True'

call delete-user-pool --user-pool-id "$POOL"
expect_ok "delete-user-pool" 'True'

call describe-user-pool --user-pool-id "$POOL"
expect_error "describe-user-pool after delete" ResourceNotFoundException

call list-user-pools --max-results 10
expect_ok "list-user-pools is empty after deleting both pools" 'd["UserPools"] == []'

# ---------------------------------------------------------------------------
# The server itself

if kill -0 "$SERVER_PID" 2>/dev/null; then
	ok "server still running"
else
	not_ok "server still running" "it exited; log: $(oneline "$(tail -n 20 "$WORK/server.log")")"
fi
if grep -qiE 'panic|InternalErrorException' "$WORK/server.log"; then
	not_ok "server log has no panic or internal error" "$(oneline "$(grep -iE -m 5 'panic|InternalErrorException' "$WORK/server.log")")"
else
	ok "server log has no panic or internal error"
fi
if [ "$WAITS" -le 2 ]; then
	ok "at most 2 waits for a TOTP time step ($WAITS)"
else
	not_ok "at most 2 waits for a TOTP time step" "waited $WAITS times"
fi

echo "# took $((SECONDS - START)) s"
summary
[ "$FAILED" -eq 0 ]
