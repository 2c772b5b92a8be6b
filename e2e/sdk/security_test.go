package sdk_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestLockout: five failures lock the user for 1 s, doubling; attempts in a
// lockout do not extend it; a success clears the count.
func TestLockout(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	wrong := func() error { _, err := e.passwordAuth(clientID, name, "Wrong-Passw0rd!"); return err }

	for i := 0; i < 5; i++ {
		wantErr(t, wrong(), "NotAuthorizedException", "Incorrect username or password.")
	}
	// Locked: even the right password is refused, and the refusal does not
	// extend the lockout.
	_, err := e.passwordAuth(clientID, name, password)
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	wantErr(t, wrong(), "NotAuthorizedException", "Password attempts exceeded")
	e.srv.Clock.Advance(1100 * time.Millisecond)
	// The sixth failure locks for 2 s.
	wantErr(t, wrong(), "NotAuthorizedException", "Incorrect username or password.")
	e.srv.Clock.Advance(1100 * time.Millisecond)
	_, err = e.passwordAuth(clientID, name, password)
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	e.srv.Clock.Advance(time.Second)
	must(e.passwordAuth(clientID, name, password))
	// The success reset the count: four failures lock nothing.
	for i := 0; i < 4; i++ {
		wantErr(t, wrong(), "NotAuthorizedException", "Incorrect username or password.")
	}
	must(e.passwordAuth(clientID, name, password))

	// SRP proofs count the same way.
	for i := 0; i < 5; i++ {
		cl, ch := e.srpStart(clientID, name, nil)
		_, err := e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, e.srpProof(cl, poolID, ch, "Wrong-Passw0rd!"))
		wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
	cl, ch := e.srpStart(clientID, name, nil)
	_, err = e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, e.srpProof(cl, poolID, ch, password))
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")

	// Fifteen quiet minutes reset the count.
	e.srv.Clock.Advance(16 * time.Minute)
	must(e.passwordAuth(clientID, name, password))
}

// TestWrongTOTPCodesLockOut: wrong MFA codes count as failures too.
func TestWrongTOTPCodesLockOut(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	name := e.user(poolID, clientID)
	secret, _ := e.enrol(clientID, name)
	start := must(e.passwordAuth(clientID, name, password))
	bad := badCode(e.totpCode(secret, 0))
	for i := 0; i < 5; i++ {
		_, err := e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, start.Session, map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": bad})
		wantErr(t, err, "CodeMismatchException", "")
	}
	_, err := e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, start.Session, map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(secret, 0)})
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	e.srv.Clock.Advance(2 * time.Second)
	must(e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, start.Session, map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(secret, 0)}))
}

// TestPreventUserExistenceErrors: with ENABLED, unknown users look like
// wrong passwords, and SRP answers them with a stable simulated challenge.
func TestPreventUserExistenceErrors(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	must(e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID, PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth}}))

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
	must(e.passwordAuth(clientID, name, password))

	// In a pool that signs in by email, real users are known by a UUID, and
	// so is an unknown email: a stable one, another for another email, never
	// the email itself; and the proof fails as a wrong password does.
	ep := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("email"),
		UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}})).UserPool.Id
	ec := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: ep, ClientName: aws.String("web"),
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})).UserPoolClient.ClientId
	su := must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: ec, Username: aws.String("real@example.com"), Password: aws.String(password)}))
	must(e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: ep, Username: su.UserSub}))
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
		return must(e.passwordAuth(clientID, name, password)).AuthenticationResult
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

	a, b := signIn(), signIn()
	refreshed := must(refresh(a))
	must(e.c.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: a.RefreshToken}))
	_, err := refresh(a)
	wantErr(t, err, "NotAuthorizedException", "")
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
	must(e.c.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: b.AccessToken}))
	for _, tok := range []*types.AuthenticationResultType{b, c} {
		wantErr(t, getUser(tok), "NotAuthorizedException", "")
		_, err := refresh(tok)
		wantErr(t, err, "NotAuthorizedException", "")
	}
	// A new sign-in right after works.
	d := signIn()
	if err := getUser(d); err != nil {
		t.Fatalf("new sign-in after global sign-out: %v", err)
	}
	must(e.c.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: &poolID, Username: &name}))
	wantErr(t, getUser(d), "NotAuthorizedException", "")

	// With EnableTokenRevocation off, RevokeToken is refused.
	must(e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID, EnableTokenRevocation: aws.Bool(false),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))
	f := signIn()
	_, err = e.c.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: f.RefreshToken})
	wantErr(t, err, "UnsupportedOperationException", "")
}
