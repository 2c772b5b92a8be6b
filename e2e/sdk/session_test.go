package sdk_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// client creates another app client in the pool, allowing password and
// refresh sign-in, with the given settings applied.
func (e *env) client(poolID string, set func(*cip.CreateUserPoolClientInput)) string {
	e.t.Helper()
	in := &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("client"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}
	if set != nil {
		set(in)
	}
	return *must(e.c.CreateUserPoolClient(ctx, in))(e.t).UserPoolClient.ClientId
}

// answerTOTP answers a SOFTWARE_TOKEN_MFA challenge.
func (e *env) answerTOTP(clientID, name string, session *string, code string) (*cip.RespondToAuthChallengeOutput, error) {
	return e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, session, map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code})
}

// TestSessionLifetime: a challenge session lives for the client's
// AuthSessionValidity (3 minutes by default), at every step of MFA set-up
// and at the MFA challenge.
func TestSessionLifetime(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	name := e.user(poolID, clientID)
	const justBefore, justAfter = 3*time.Minute - time.Second, 3*time.Minute + time.Second

	// MFA_SETUP: each step's session lasts 3 minutes from that step.
	start := must(e.passwordAuth(clientID, name, password))(t)
	e.srv.Clock.Advance(justAfter)
	_, err := e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: start.Session})
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	start = must(e.passwordAuth(clientID, name, password))(t)
	e.srv.Clock.Advance(justBefore)
	assoc := must(e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: start.Session}))(t)
	secret := *assoc.SecretCode
	e.srv.Clock.Advance(justBefore)
	ver := must(e.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: aws.String(e.totpCode(secret, 0))}))(t)
	e.srv.Clock.Advance(justBefore)
	must(e.respond(clientID, types.ChallengeNameTypeMfaSetup, ver.Session, map[string]string{"USERNAME": name}))(t)
	e.nextStep()

	// SOFTWARE_TOKEN_MFA: fine at 2m59s, refused at 3m01s.
	ok := must(e.passwordAuth(clientID, name, password))(t)
	late := must(e.passwordAuth(clientID, name, password))(t)
	e.srv.Clock.Advance(justBefore)
	must(e.answerTOTP(clientID, name, ok.Session, e.totpCode(secret, 0)))(t)
	e.srv.Clock.Advance(2 * time.Second)
	_, err = e.answerTOTP(clientID, name, late.Session, e.totpCode(secret, 1))
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")

	// The verify session expires as well.
	e.nextStep()
	other := e.user(poolID, clientID)
	s := must(e.passwordAuth(clientID, other, password))(t)
	a := must(e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: s.Session}))(t)
	e.srv.Clock.Advance(justAfter)
	_, err = e.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: a.Session, UserCode: aws.String(e.totpCode(*a.SecretCode, 0))})
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
}

// TestAuthSessionValidity: a client's AuthSessionValidity (minutes, 3 to
// 15) sets how long its sessions live.
func TestAuthSessionValidity(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	name := e.user(poolID, clientID)
	secret, _ := e.enrol(clientID, name)
	ten := e.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.AuthSessionValidity = aws.Int32(10) })
	if d := must(e.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: &ten}))(t); aws.ToInt32(d.UserPoolClient.AuthSessionValidity) != 10 {
		t.Fatalf("AuthSessionValidity %v", d.UserPoolClient.AuthSessionValidity)
	}

	kept := must(e.passwordAuth(ten, name, password))(t)
	lost := must(e.passwordAuth(ten, name, password))(t)
	e.srv.Clock.Advance(10*time.Minute - time.Second)
	must(e.answerTOTP(ten, name, kept.Session, e.totpCode(secret, 0)))(t)
	e.srv.Clock.Advance(2 * time.Second)
	_, err := e.answerTOTP(ten, name, lost.Session, e.totpCode(secret, 1))
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")

	// Updating the client changes the lifetime of sessions made after.
	e.nextStep()
	must(e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: &ten, AuthSessionValidity: aws.Int32(15),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(t)
	s := must(e.passwordAuth(ten, name, password))(t)
	e.srv.Clock.Advance(15*time.Minute - time.Second)
	must(e.answerTOTP(ten, name, s.Session, e.totpCode(secret, 0)))(t)

	// The bounds are 3 and 15 minutes.
	for _, v := range []int32{3, 15} {
		e.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.AuthSessionValidity = aws.Int32(v) })
	}
	for _, v := range []int32{0, 2, 16, 60} {
		_, err := e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("bad"), AuthSessionValidity: aws.Int32(v)})
		wantErr(t, err, "InvalidParameterException", "authSessionValidity")
		_, err = e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: &ten, AuthSessionValidity: aws.Int32(v)})
		wantErr(t, err, "InvalidParameterException", "authSessionValidity")
	}
}

// TestSessionBinding: a session belongs to the client that began the
// sign-in, and once it has yielded tokens it is spent, whatever code comes
// with it later.
func TestSessionBinding(t *testing.T) {
	e := newEnv(t)
	poolID, clientA := e.pool(types.UserPoolMfaTypeOn)
	clientB := e.client(poolID, nil)
	_, foreign := e.pool(types.UserPoolMfaTypeOn)
	name := e.user(poolID, clientA)

	// MFA_SETUP sessions from client A, answered as client B.
	start := must(e.passwordAuth(clientA, name, password))(t)
	assoc := must(e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: start.Session}))(t)
	secret := *assoc.SecretCode
	ver := must(e.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: aws.String(e.totpCode(secret, 0))}))(t)
	for _, c := range []string{clientB, foreign} {
		_, err := e.respond(c, types.ChallengeNameTypeMfaSetup, ver.Session, map[string]string{"USERNAME": name})
		wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	}
	must(e.respond(clientA, types.ChallengeNameTypeMfaSetup, ver.Session, map[string]string{"USERNAME": name}))(t)
	e.nextStep()

	// SOFTWARE_TOKEN_MFA: the same, in both the public and the admin form.
	s := must(e.passwordAuth(clientA, name, password))(t)
	for _, c := range []string{clientB, foreign} {
		_, err := e.answerTOTP(c, name, s.Session, e.totpCode(secret, 0))
		wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	}
	_, err := e.c.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: &poolID, ClientId: &clientB,
		ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, Session: s.Session,
		ChallengeResponses: map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(secret, 0)}})
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	// Client A's own session still works, once.
	must(e.answerTOTP(clientA, name, s.Session, e.totpCode(secret, 0)))(t)
	e.nextStep()
	_, err = e.answerTOTP(clientA, name, s.Session, e.totpCode(secret, 0))
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	e.nextStep()
	_, err = e.answerTOTP(clientA, name, s.Session, e.totpCode(secret, 0))
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")

	// A session for one challenge does not answer another.
	e.nextStep()
	s = must(e.passwordAuth(clientA, name, password))(t)
	_, err = e.respond(clientA, types.ChallengeNameTypeMfaSetup, s.Session, map[string]string{"USERNAME": name})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: s.Session})
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
}

// TestTokenValidityUnits: ID, access and refresh token lifetimes follow
// the client's validities in their TokenValidityUnits, within Cognito's
// bounds.
func TestTokenValidityUnits(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	lifetime := func(tok string) float64 {
		c := claims(t, tok)
		return c["exp"].(float64) - c["iat"].(float64)
	}
	cases := []struct {
		name                string
		id, access, refresh int32
		units               types.TokenValidityUnitsType
		idLife, accessLife  time.Duration
		refreshLife         time.Duration
	}{
		{"minutes, hours, hours", 30, 2, 5, types.TokenValidityUnitsType{IdToken: types.TimeUnitsTypeMinutes,
			AccessToken: types.TimeUnitsTypeHours, RefreshToken: types.TimeUnitsTypeHours}, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour},
		{"seconds, minutes, minutes", 600, 7, 90, types.TokenValidityUnitsType{IdToken: types.TimeUnitsTypeSeconds,
			AccessToken: types.TimeUnitsTypeMinutes, RefreshToken: types.TimeUnitsTypeMinutes}, 10 * time.Minute, 7 * time.Minute, 90 * time.Minute},
		{"no units: hours, hours, days", 3, 4, 2, types.TokenValidityUnitsType{}, 3 * time.Hour, 4 * time.Hour, 48 * time.Hour},
	}
	for _, c := range cases {
		func() {
			units := c.units
			clientID := e.client(poolID, func(in *cip.CreateUserPoolClientInput) {
				in.IdTokenValidity, in.AccessTokenValidity, in.RefreshTokenValidity = aws.Int32(c.id), aws.Int32(c.access), c.refresh
				if units != (types.TokenValidityUnitsType{}) {
					in.TokenValidityUnits = &units
				}
			})
			name := e.user(poolID, clientID)
			res := must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult
			if got := lifetime(*res.IdToken); got != c.idLife.Seconds() {
				t.Errorf("%s: ID token lives %vs, want %v", c.name, got, c.idLife)
			}
			if got := lifetime(*res.AccessToken); got != c.accessLife.Seconds() || res.ExpiresIn != int32(c.accessLife.Seconds()) {
				t.Errorf("%s: access token lives %vs (ExpiresIn %d), want %v", c.name, got, res.ExpiresIn, c.accessLife)
			}
			refresh := func() (*cip.InitiateAuthOutput, error) {
				return e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
					AuthParameters: map[string]string{"REFRESH_TOKEN": *res.RefreshToken}})
			}
			// Refreshed tokens follow the same validities.
			e.srv.Clock.Advance(c.refreshLife - time.Second)
			r := must(refresh())(t).AuthenticationResult
			if lifetime(*r.IdToken) != c.idLife.Seconds() || lifetime(*r.AccessToken) != c.accessLife.Seconds() {
				t.Errorf("%s: refreshed tokens live %vs and %vs", c.name, lifetime(*r.IdToken), lifetime(*r.AccessToken))
			}
			must(e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID, RefreshToken: res.RefreshToken}))(t)
			e.srv.Clock.Advance(2 * time.Second)
			_, err := refresh()
			wantErr(t, err, "NotAuthorizedException", "Refresh Token has expired")
			_, err = e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID, RefreshToken: res.RefreshToken})
			wantErr(t, err, "NotAuthorizedException", "")
			d := must(e.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID}))(t).UserPoolClient
			if aws.ToInt32(d.IdTokenValidity) != c.id || aws.ToInt32(d.AccessTokenValidity) != c.access || d.RefreshTokenValidity != c.refresh {
				t.Errorf("%s: described validities %v %v %v", c.name, aws.ToInt32(d.IdTokenValidity), aws.ToInt32(d.AccessTokenValidity), d.RefreshTokenValidity)
			}
		}()
	}

	// Out of bounds: ID and access tokens 5 minutes to 1 day, refresh
	// tokens 1 hour to 10 years.
	bad := []struct {
		name string
		set  func(*cip.CreateUserPoolClientInput)
	}{
		{"ID token 4 minutes", func(in *cip.CreateUserPoolClientInput) {
			in.IdTokenValidity, in.TokenValidityUnits = aws.Int32(4), &types.TokenValidityUnitsType{IdToken: types.TimeUnitsTypeMinutes}
		}},
		{"ID token 25 hours", func(in *cip.CreateUserPoolClientInput) { in.IdTokenValidity = aws.Int32(25) }},
		{"ID token 2 days", func(in *cip.CreateUserPoolClientInput) {
			in.IdTokenValidity, in.TokenValidityUnits = aws.Int32(2), &types.TokenValidityUnitsType{IdToken: types.TimeUnitsTypeDays}
		}},
		{"access token 299 seconds", func(in *cip.CreateUserPoolClientInput) {
			in.AccessTokenValidity, in.TokenValidityUnits = aws.Int32(299), &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeSeconds}
		}},
		{"refresh token 59 minutes", func(in *cip.CreateUserPoolClientInput) {
			in.RefreshTokenValidity, in.TokenValidityUnits = 59, &types.TokenValidityUnitsType{RefreshToken: types.TimeUnitsTypeMinutes}
		}},
		{"refresh token 3651 days", func(in *cip.CreateUserPoolClientInput) { in.RefreshTokenValidity = 3651 }},
	}
	for _, b := range bad {
		in := &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("bad")}
		b.set(in)
		_, err := e.c.CreateUserPoolClient(ctx, in)
		if err == nil {
			t.Errorf("%s: accepted", b.name)
			continue
		}
		wantErr(t, err, "InvalidParameterException", "")
	}
	// The bounds themselves are accepted.
	e.client(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.IdTokenValidity, in.AccessTokenValidity, in.RefreshTokenValidity = aws.Int32(5), aws.Int32(1), 60
		in.TokenValidityUnits = &types.TokenValidityUnitsType{IdToken: types.TimeUnitsTypeMinutes, AccessToken: types.TimeUnitsTypeDays, RefreshToken: types.TimeUnitsTypeMinutes}
	})
	e.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.RefreshTokenValidity = 3650 })
	// A refresh validity of 0 means the default, 30 days (the model says
	// so; the Go SDK never sends a 0, the CLI does).
	a := e.post("CreateUserPoolClient", `{"UserPoolId":"`+poolID+`","ClientName":"zero","RefreshTokenValidity":0}`,
		&signing{keyID: e.srv.AccessKeyID, secret: e.srv.SecretAccessKey})
	c, _ := a.body["UserPoolClient"].(map[string]any)
	if a.status != 200 || c["RefreshTokenValidity"] != 30.0 {
		t.Fatalf("RefreshTokenValidity 0: %d %v", a.status, a.body)
	}
}
