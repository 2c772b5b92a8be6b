package sdk_test

import (
	"errors"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/srp"
)

// lockoutProbe signs one user in and out of lockouts.
type lockoutProbe struct {
	e                *env
	poolID, clientID string
	name             string
}

func (e *env) lockoutProbe(mfa types.UserPoolMfaType) *lockoutProbe {
	poolID, clientID := e.pool(mfa)
	return &lockoutProbe{e: e, poolID: poolID, clientID: clientID, name: e.user(poolID, clientID)}
}

// fail sends a wrong password and expects it counted as a failure.
func (l *lockoutProbe) fail() {
	l.e.t.Helper()
	_, err := l.e.passwordAuth(l.clientID, l.name, "Wrong-Passw0rd!")
	wantErr(l.e.t, err, "NotAuthorizedException", "Incorrect username or password.")
}

// locked expects a wrong password to be refused as during a lockout (such
// an attempt is not counted, so probing does not change the state).
func (l *lockoutProbe) locked() {
	l.e.t.Helper()
	_, err := l.e.passwordAuth(l.clientID, l.name, "Wrong-Passw0rd!")
	wantErr(l.e.t, err, "NotAuthorizedException", "Password attempts exceeded")
}

// TestLockout: five failures lock the user for 1 s, each further one for
// twice as long (2^(n-5) s) up to 15 minutes; attempts in a lockout, even
// with the right password, are refused and do not extend it; a success
// clears the count; SRP proofs count the same way.
func TestLockout(t *testing.T) {
	e := newEnv(t)
	l := e.lockoutProbe(types.UserPoolMfaTypeOff)
	clientID, name := l.clientID, l.name
	for i := 0; i < 4; i++ {
		l.fail()
	}
	must(e.passwordAuth(clientID, name, password))(t)
	// The success cleared the count: five more failures are needed.
	for i := 0; i < 5; i++ {
		l.fail()
	}
	// Locked for 1 s from the fifth failure. Attempts at +0.5 s and +0.9 s
	// are refused, the right password too, and do not move the end.
	e.srv.Clock.Advance(500 * time.Millisecond)
	_, err := e.passwordAuth(clientID, name, password)
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	e.srv.Clock.Advance(400 * time.Millisecond)
	l.locked()
	e.srv.Clock.Advance(110 * time.Millisecond) // +1.01 s
	must(e.passwordAuth(clientID, name, password))(t)

	// From the sixth failure on, each lockout doubles: 2 s, 4 s, 8 s, ...
	// up to 15 minutes, which the fifteenth failure reaches (2^10 s would be
	// 17 min). Each is checked just before and just after its end.
	for i := 0; i < 5; i++ {
		l.fail()
	}
	e.srv.Clock.Advance(1010 * time.Millisecond)
	for n := 6; n <= 15; n++ {
		l.fail()
		d := time.Second << (n - 5)
		if n == 15 {
			d = 15 * time.Minute
		}
		e.srv.Clock.Advance(d - 100*time.Millisecond)
		l.locked()
		e.srv.Clock.Advance(110 * time.Millisecond)
	}
	// The last lockout is over: the right password works, and clears the count.
	must(e.passwordAuth(clientID, name, password))(t)
	l.fail()
	must(e.passwordAuth(clientID, name, password))(t)

	// SRP proofs count the same way.
	for i := 0; i < 5; i++ {
		cl, ch := e.srpStart(clientID, name, nil)
		_, err := e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, e.srpProof(cl, l.poolID, ch, "Wrong-Passw0rd!"))
		wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
	cl, ch := e.srpStart(clientID, name, nil)
	_, err = e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, e.srpProof(cl, l.poolID, ch, password))
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
}

// TestConcurrentFailuresDoNotExtendLockout: wrong passwords sent at once
// all pass the lockout check before any of them is counted; the one that
// counts as the fifth failure locks the user for 1 s, and the others, which
// reach the count during that lockout, are answered as attempts in a
// lockout and must not extend it. Three rounds, each ending with the right
// password accepted just after the 1 s.
func TestConcurrentFailuresDoNotExtendLockout(t *testing.T) {
	e := newEnv(t)
	l := e.lockoutProbe(types.UserPoolMfaTypeOff)
	const burst = 16
	for round := 0; round < 3; round++ {
		for i := 0; i < 4; i++ {
			l.fail()
		}
		errs := make([]error, burst)
		var start, wg sync.WaitGroup
		start.Add(1)
		for i := range burst {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start.Wait()
				_, errs[i] = e.passwordAuth(l.clientID, l.name, "Wrong-Passw0rd!")
			}()
		}
		start.Done()
		wg.Wait()
		counted, locked := 0, 0
		for _, err := range errs {
			var ae smithy.APIError
			switch {
			case !errors.As(err, &ae) || ae.ErrorCode() != "NotAuthorizedException":
				t.Fatalf("round %d: want NotAuthorizedException, got %v", round, err)
			case ae.ErrorMessage() == "Incorrect username or password.":
				counted++
			case ae.ErrorMessage() == "Password attempts exceeded":
				locked++
			default:
				t.Fatalf("round %d: unexpected message %q", round, ae.ErrorMessage())
			}
		}
		// Only the fifth failure is answered as a wrong password; every
		// other one came during its lockout.
		if counted != 1 || locked != burst-1 {
			t.Errorf("round %d: %d answered as wrong passwords, %d as locked; want 1 and %d", round, counted, locked, burst-1)
		}
		e.srv.Clock.Advance(900 * time.Millisecond)
		l.locked()
		e.srv.Clock.Advance(110 * time.Millisecond) // 1.01 s after the burst
		if _, err := e.passwordAuth(l.clientID, l.name, password); err != nil {
			t.Fatalf("round %d: the right password 1.01 s after the burst: %v (the lockout was extended)", round, err)
		}
	}
}

// TestLockoutCountResetsAfterQuiet: fifteen minutes without attempts start
// the count afresh, so four failures, a quiet 16 minutes and one more
// failure do not lock; four failures and a fifth within the quarter do.
func TestLockoutCountResetsAfterQuiet(t *testing.T) {
	e := newEnv(t)
	l := e.lockoutProbe(types.UserPoolMfaTypeOff)
	for i := 0; i < 4; i++ {
		l.fail()
	}
	e.srv.Clock.Advance(16 * time.Minute)
	l.fail()
	l.fail() // would be the sixth failure, and locked, had the count survived
	must(e.passwordAuth(l.clientID, l.name, password))(t)

	for i := 0; i < 4; i++ {
		l.fail()
	}
	e.srv.Clock.Advance(14 * time.Minute)
	l.fail()
	l.locked()
}

// TestLockoutSurvivesRestart: the count and the lockout live in the store.
func TestLockoutSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, cognatetest.WithDataDir(dir))
	l := e.lockoutProbe(types.UserPoolMfaTypeOff)
	for i := 0; i < 4; i++ {
		l.fail()
	}
	now := e.srv.Clock.Now()
	e.srv.Close()

	// A new server on the same data: the fifth failure locks.
	e2 := newEnv(t, cognatetest.WithDataDir(dir))
	e2.srv.Clock.Set(now)
	l.e = e2
	l.fail()
	l.locked()
	now = e2.srv.Clock.Now()
	e2.srv.Close()

	// And another one still sees the lockout, until it ends.
	e3 := newEnv(t, cognatetest.WithDataDir(dir))
	e3.srv.Clock.Set(now.Add(500 * time.Millisecond))
	l.e = e3
	_, err := e3.passwordAuth(l.clientID, l.name, password)
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	e3.srv.Clock.Advance(600 * time.Millisecond)
	must(e3.passwordAuth(l.clientID, l.name, password))(t)
}

// TestDeviceProofFailuresLockOut: wrong device passwords
// (DEVICE_PASSWORD_VERIFIER) count toward the lockout like wrong passwords.
func TestDeviceProofFailuresLockOut(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.devicePool()
	name := e.user(poolID, clientID)
	_, meta, dev := e.rememberDevice(clientID, name)
	wrong := &srp.DeviceSecret{Password: "not-the-device-password"}
	for i := 0; i < 5; i++ {
		out := must(e.srpSignIn(poolID, clientID, name, *meta.DeviceKey))(t)
		if out.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
			t.Fatalf("attempt %d: want DEVICE_SRP_AUTH, got %q", i+1, out.ChallengeName)
		}
		_, err := e.deviceProof(clientID, name, out, meta, wrong)
		wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
	// Five failed device proofs: even the user's password is refused now.
	cl, ch := e.srpStart(clientID, name, nil)
	proof := e.srpProof(cl, poolID, ch, password)
	proof["DEVICE_KEY"] = *meta.DeviceKey
	_, err := e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, proof)
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	e.srv.Clock.Advance(1100 * time.Millisecond)
	out := must(e.srpSignIn(poolID, clientID, name, *meta.DeviceKey))(t)
	must(e.deviceProof(clientID, name, out, meta, dev))(t)
}

// TestWrongTOTPCodesLockOut: wrong MFA codes count as failures too.
func TestWrongTOTPCodesLockOut(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	name := e.user(poolID, clientID)
	secret, _ := e.enrol(clientID, name)
	start := must(e.passwordAuth(clientID, name, password))(t)
	bad := badCode(e.totpCode(secret, 0))
	for i := 0; i < 5; i++ {
		_, err := e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, start.Session, map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": bad})
		wantErr(t, err, "CodeMismatchException", "")
	}
	_, err := e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, start.Session, map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(secret, 0)})
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	e.srv.Clock.Advance(2 * time.Second)
	must(e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, start.Session, map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(secret, 0)}))(t)
}

// TestPreventUserExistenceErrors: with ENABLED, unknown users look like
// wrong passwords, and SRP answers them with a stable simulated challenge.
func TestPreventUserExistenceErrors(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	must(e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID, PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth}}))(t)

	_, errKnown := e.passwordAuth(clientID, name, "Wrong-Passw0rd!")
	_, errUnknown := e.passwordAuth(clientID, "ghost", "Wrong-Passw0rd!")
	wantErr(t, errKnown, "NotAuthorizedException", "Incorrect username or password.")
	wantErr(t, errUnknown, "NotAuthorizedException", "Incorrect username or password.")

	// SRP for an unknown user: a challenge like any other, stable across
	// attempts, and a proof that fails like a wrong password.
	_, ch1 := e.srpStart(clientID, "ghost", nil)
	cl, ch2 := e.srpStart(clientID, "ghost", nil)
	if ch1.ChallengeParameters["SALT"] != ch2.ChallengeParameters["SALT"] || ch1.ChallengeParameters["USER_ID_FOR_SRP"] != "ghost" {
		t.Fatalf("simulated challenge not stable: %v vs %v", ch1.ChallengeParameters, ch2.ChallengeParameters)
	}
	_, err := e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch2.Session, e.srpProof(cl, poolID, ch2, password))
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("ghost"), ConfirmationCode: aws.String("123456")})
	wantErr(t, err, "CodeMismatchException", "")
	// A real user still signs in.
	must(e.passwordAuth(clientID, name, password))(t)

	// In a pool that signs in by email, real users are known by a UUID, and
	// so is an unknown email: a stable one, another for another email, never
	// the email itself; and the proof fails as a wrong password does.
	ep := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("email"),
		UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}}))(t).UserPool.Id
	ec := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: ep, ClientName: aws.String("web"),
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled}))(t).UserPoolClient.ClientId
	su := must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: ec, Username: aws.String("real@example.com"), Password: aws.String(password)}))(t)
	must(e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: ep, Username: su.UserSub}))(t)
	_, ghost1 := e.srpStart(*ec, "ghost@example.com", nil)
	cl, ghost2 := e.srpStart(*ec, "ghost@example.com", nil)
	_, other := e.srpStart(*ec, "other@example.com", nil)
	rcl, realCh := e.srpStart(*ec, "real@example.com", nil)
	g1, g2, o := ghost1.ChallengeParameters, ghost2.ChallengeParameters, other.ChallengeParameters
	if g1["USER_ID_FOR_SRP"] != g2["USER_ID_FOR_SRP"] || g1["SALT"] != g2["SALT"] {
		t.Fatalf("phantom of an email pool not stable: %s %s vs %s %s", g1["USER_ID_FOR_SRP"], g1["SALT"], g2["USER_ID_FOR_SRP"], g2["SALT"])
	}
	if g1["USER_ID_FOR_SRP"] == o["USER_ID_FOR_SRP"] || g1["SALT"] == o["SALT"] {
		t.Fatalf("two unknown emails share a phantom: %s %s", o["USER_ID_FOR_SRP"], o["SALT"])
	}
	for _, p := range []map[string]string{g1, realCh.ChallengeParameters} {
		if id := p["USER_ID_FOR_SRP"]; !uuidPattern.MatchString(id) || p["USERNAME"] != id {
			t.Fatalf("USER_ID_FOR_SRP %q / USERNAME %q: want the same UUID", id, p["USERNAME"])
		}
	}
	_, errUnknown = e.respond(*ec, types.ChallengeNameTypePasswordVerifier, ghost2.Session, e.srpProof(cl, *ep, ghost2, password))
	wantErr(t, errUnknown, "NotAuthorizedException", "Incorrect username or password.")
	_, errKnown = e.respond(*ec, types.ChallengeNameTypePasswordVerifier, realCh.Session, e.srpProof(rcl, *ep, realCh, "Wrong-Passw0rd!"))
	wantErr(t, errKnown, "NotAuthorizedException", "Incorrect username or password.")
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestRevocation: RevokeToken, GlobalSignOut and AdminUserGlobalSignOut stop
// refresh tokens and the access tokens issued with them.
func TestRevocation(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	signIn := func() *types.AuthenticationResultType {
		return must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult
	}
	getUser := func(tok *types.AuthenticationResultType) error {
		_, err := e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken})
		return err
	}
	refresh := func(tok *types.AuthenticationResultType) (*types.AuthenticationResultType, error) {
		out, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": *tok.RefreshToken}})
		if err != nil {
			return nil, err
		}
		return out.AuthenticationResult, nil
	}

	// GetTokensFromRefreshToken, the refresh of Amplify >= 6.14.
	getTokens := func(tok *types.AuthenticationResultType) error {
		_, err := e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID, RefreshToken: tok.RefreshToken})
		return err
	}

	a, b := signIn(), signIn()
	refreshed := must(refresh(a))(t)
	if err := getTokens(a); err != nil {
		t.Fatalf("GetTokensFromRefreshToken before revocation: %v", err)
	}
	must(e.c.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: a.RefreshToken}))(t)
	_, err := refresh(a)
	wantErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	wantErr(t, getTokens(a), "NotAuthorizedException", "Refresh Token has been revoked")
	wantErr(t, getUser(a), "NotAuthorizedException", "revoked")
	wantErr(t, getUser(&types.AuthenticationResultType{AccessToken: refreshed.AccessToken}), "NotAuthorizedException", "revoked")
	// The other sign-in is untouched.
	if err := getUser(b); err != nil {
		t.Fatalf("revoking one sign-in revoked another: %v", err)
	}
	// A token of another client cannot be revoked by this one.
	_, other := e.pool(types.UserPoolMfaTypeOff)
	_, err = e.c.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &other, Token: b.RefreshToken})
	wantErr(t, err, "UnauthorizedException", "")

	// GlobalSignOut ends every sign-in of the user.
	c := signIn()
	must(e.c.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: b.AccessToken}))(t)
	for _, tok := range []*types.AuthenticationResultType{b, c} {
		wantErr(t, getUser(tok), "NotAuthorizedException", "")
		_, err := refresh(tok)
		wantErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
		wantErr(t, getTokens(tok), "NotAuthorizedException", "Refresh Token has been revoked")
	}
	// A new sign-in right after works.
	d := signIn()
	if err := getUser(d); err != nil {
		t.Fatalf("new sign-in after global sign-out: %v", err)
	}
	must(e.c.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: &poolID, Username: &name}))(t)
	wantErr(t, getUser(d), "NotAuthorizedException", "")
	_, err = refresh(d)
	wantErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	wantErr(t, getTokens(d), "NotAuthorizedException", "Refresh Token has been revoked")

	// With EnableTokenRevocation off, RevokeToken is refused.
	must(e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID, EnableTokenRevocation: aws.Bool(false),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(t)
	f := signIn()
	_, err = e.c.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: f.RefreshToken})
	wantErr(t, err, "UnsupportedOperationException", "")
}
