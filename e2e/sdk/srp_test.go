package sdk_test

import (
	"encoding/base64"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/srp"
)

// srpStart sends USER_SRP_AUTH and returns the client half and the
// PASSWORD_VERIFIER challenge.
func (e *env) srpStart(clientID, name string, extra map[string]string) (*srp.Client, *cip.InitiateAuthOutput) {
	e.t.Helper()
	cl, err := srp.NewClient()
	if err != nil {
		e.t.Fatal(err)
	}
	params := map[string]string{"USERNAME": name, "SRP_A": cl.PublicHex()}
	for k, v := range extra {
		params[k] = v
	}
	out := must(e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth, AuthParameters: params}))(e.t)
	if out.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		e.t.Fatalf("want PASSWORD_VERIFIER, got %q", out.ChallengeName)
	}
	return cl, out
}

// srpProof answers a PASSWORD_VERIFIER challenge as amazon-cognito-identity-js does.
func (e *env) srpProof(cl *srp.Client, poolID string, ch *cip.InitiateAuthOutput, pw string) map[string]string {
	e.t.Helper()
	p := ch.ChallengeParameters
	resp, err := cl.Respond(srp.Challenge{PoolName: strings.SplitN(poolID, "_", 2)[1], UserID: p["USER_ID_FOR_SRP"], Salt: p["SALT"],
		B: p["SRP_B"], SecretBlock: p["SECRET_BLOCK"]}, pw, e.srv.Clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return map[string]string{"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": resp.SecretBlock,
		"PASSWORD_CLAIM_SIGNATURE": resp.Signature, "TIMESTAMP": resp.Timestamp}
}

func (e *env) respond(clientID string, name types.ChallengeNameType, session *string, r map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	return e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: name, Session: session, ChallengeResponses: r})
}

// TestSRPSignIn: USER_SRP_AUTH with the same MFA rules as password sign-in,
// and every malformed or replayed proof refused.
func TestSRPSignIn(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	name := e.user(poolID, clientID)

	// First SRP sign-in leads to MFA_SETUP.
	cl, ch := e.srpStart(clientID, name, nil)
	if ch.ChallengeParameters["USERNAME"] != name || ch.ChallengeParameters["SALT"] == "" || ch.Session == nil {
		t.Fatalf("PASSWORD_VERIFIER parameters %+v", ch.ChallengeParameters)
	}
	out := must(e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, e.srpProof(cl, poolID, ch, password)))(t)
	if out.ChallengeName != types.ChallengeNameTypeMfaSetup {
		t.Fatalf("want MFA_SETUP after SRP, got %q", out.ChallengeName)
	}
	secret, _ := e.enrol(clientID, name)

	// Then SOFTWARE_TOKEN_MFA; the client sends no Session with its proof,
	// as pycognito does.
	cl, ch = e.srpStart(clientID, name, nil)
	proof := e.srpProof(cl, poolID, ch, password)
	out = must(e.respond(clientID, types.ChallengeNameTypePasswordVerifier, nil, proof))(t)
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("want SOFTWARE_TOKEN_MFA, got %q", out.ChallengeName)
	}
	done := must(e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, out.Session,
		map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(secret, 0)}))(t)
	e.checkTokens(poolID, clientID, name, done.AuthenticationResult)
	e.nextStep()

	// The secret block is single-use.
	_, err := e.respond(clientID, types.ChallengeNameTypePasswordVerifier, nil, proof)
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")

	// A wrong password fails, and spends the exchange.
	cl, ch = e.srpStart(clientID, name, nil)
	bad := e.srpProof(cl, poolID, ch, "Wrong-Passw0rd!")
	_, err = e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, bad)
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")

	// Tampering with any part of a good proof fails.
	cl, ch = e.srpStart(clientID, name, nil)
	good := e.srpProof(cl, poolID, ch, password)
	tamper := func(key, value string) map[string]string {
		m := map[string]string{}
		for k, v := range good {
			m[k] = v
		}
		m[key] = value
		return m
	}
	sig, _ := base64.StdEncoding.DecodeString(good["PASSWORD_CLAIM_SIGNATURE"])
	sig[3] ^= 1 // a wrong signature that is still valid base64
	for _, c := range []struct {
		key, value, code string
	}{
		{"PASSWORD_CLAIM_SIGNATURE", base64.StdEncoding.EncodeToString(sig), "NotAuthorizedException"},
		{"TIMESTAMP", "yesterday", "InvalidParameterException"},
		{"TIMESTAMP", srp.FormatTimestamp(e.srv.Clock.Now().Add(-10 * 60e9)), "NotAuthorizedException"},
		{"PASSWORD_CLAIM_SECRET_BLOCK", "!!not base64!!", "NotAuthorizedException"},
		{"PASSWORD_CLAIM_SECRET_BLOCK", good["PASSWORD_CLAIM_SECRET_BLOCK"][:40], "NotAuthorizedException"},
		{"PASSWORD_CLAIM_SIGNATURE", "%%%", "InvalidParameterException"},
	} {
		_, err := e.respond(clientID, types.ChallengeNameTypePasswordVerifier, nil, tamper(c.key, c.value))
		wantErr(t, err, c.code, "")
	}

	// Malformed SRP_A values are refused with InvalidParameterException.
	n := srp.Prime()
	for _, a := range []string{"0", "00", n.Text(16), new(big.Int).Lsh(n, 1).Text(16), "xyz", "-5", strings.Repeat("f", 2000)} {
		_, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
			AuthParameters: map[string]string{"USERNAME": name, "SRP_A": a}})
		wantErr(t, err, "InvalidParameterException", "")
	}
	// Unknown users: Cognito's LEGACY answer.
	_, err = e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": "ghost", "SRP_A": "abcdef"}})
	wantErr(t, err, "UserNotFoundException", "")

	// Admin flavour.
	cl, _ = srp.NewClient()
	adm := must(e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": name, "SRP_A": cl.PublicHex()}}))(t)
	p := adm.ChallengeParameters
	resp, err := cl.Respond(srp.Challenge{PoolName: strings.SplitN(poolID, "_", 2)[1], UserID: p["USER_ID_FOR_SRP"], Salt: p["SALT"], B: p["SRP_B"],
		SecretBlock: p["SECRET_BLOCK"]}, password, e.srv.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	next := must(e.c.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: &poolID, ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypePasswordVerifier, Session: adm.Session, ChallengeResponses: map[string]string{
			"USERNAME": name, "PASSWORD_CLAIM_SECRET_BLOCK": resp.SecretBlock, "PASSWORD_CLAIM_SIGNATURE": resp.Signature, "TIMESTAMP": resp.Timestamp}}))(t)
	if next.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("admin SRP: %q", next.ChallengeName)
	}
}

// TestSRPWithEmailUsername: in a pool where email is the sign-in name the
// canonical username is the sub, and the SRP maths uses it.
func TestSRPWithEmailUsername(t *testing.T) {
	e := newEnv(t)
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("email"),
		UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}, AutoVerifiedAttributes: []types.VerifiedAttributeType{"email"}}))(t)
	poolID := *p.UserPool.Id
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web")}))(t)
	clientID := *c.UserPoolClient.ClientId
	su := must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("Mia@example.com"), Password: aws.String(password)}))(t)
	must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("Mia@example.com"),
		ConfirmationCode: aws.String(e.code(poolID, *su.UserSub))}))(t)
	_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("Mia@example.com"), Password: aws.String(password)})
	wantErr(t, err, "UsernameExistsException", "")
	_, err = e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("not-an-email"), Password: aws.String(password)})
	wantErr(t, err, "InvalidParameterException", "")

	cl, ch := e.srpStart(clientID, "Mia@example.com", nil)
	if ch.ChallengeParameters["USER_ID_FOR_SRP"] != *su.UserSub {
		t.Fatalf("USER_ID_FOR_SRP %q, want the sub %q", ch.ChallengeParameters["USER_ID_FOR_SRP"], *su.UserSub)
	}
	proof := e.srpProof(cl, poolID, ch, password)
	proof["USERNAME"] = "Mia@example.com" // the name the user typed also resolves
	out := must(e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, proof))(t)
	if out.AuthenticationResult == nil {
		t.Fatalf("no tokens: %+v", out)
	}
	if got := claims(t, *out.AuthenticationResult.AccessToken)["username"]; got != *su.UserSub {
		t.Fatalf("access token username %v", got)
	}
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("Mia@example.com")}))(t)
	if *u.Username != *su.UserSub || attr(u.UserAttributes, "email") != "Mia@example.com" {
		t.Fatalf("AdminGetUser by email %+v", u)
	}
}

// TestSRPExchangeExpiresAndIsOneShot: the state behind SECRET_BLOCK lives
// as long as the client's AuthSessionValidity, and one proof spends it,
// right or wrong.
func TestSRPExchangeExpiresAndIsOneShot(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	proofAfter := func(wait time.Duration) (*cip.RespondToAuthChallengeOutput, error) {
		cl, ch := e.srpStart(clientID, name, nil)
		e.srv.Clock.Advance(wait)
		// The client signs at the moment it answers: the TIMESTAMP is fresh.
		return e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, e.srpProof(cl, poolID, ch, password))
	}
	// The default AuthSessionValidity is 3 minutes.
	if out := must(proofAfter(2*time.Minute + 50*time.Second))(t); out.AuthenticationResult == nil {
		t.Fatalf("proof within the session validity: %+v", out)
	}
	_, err := proofAfter(3*time.Minute + time.Second)
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	// A client with 10 minutes: the limit moves with it.
	must(e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID, AuthSessionValidity: aws.Int32(10),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(t)
	must(proofAfter(9 * time.Minute))(t)
	_, err = proofAfter(10*time.Minute + time.Second)
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")

	// A wrong password spends the exchange: the right proof for the same
	// SECRET_BLOCK is refused afterwards, with or without the Session.
	cl, ch := e.srpStart(clientID, name, nil)
	_, err = e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, e.srpProof(cl, poolID, ch, "Wrong-Passw0rd!"))
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	right := e.srpProof(cl, poolID, ch, password)
	_, err = e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, right)
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	_, err = e.respond(clientID, types.ChallengeNameTypePasswordVerifier, nil, right)
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
}

// TestSRPWithPhoneAndAlias: in a pool that signs in by phone number the
// canonical username is the sub, and with an email alias it is the
// username; either way USER_ID_FOR_SRP is the canonical name, the client's
// maths uses it, and the answer may name the user either way.
func TestSRPWithPhoneAndAlias(t *testing.T) {
	e := newEnv(t)
	signIn := func(poolID, clientID, typed, answerAs string) (string, *types.AuthenticationResultType) {
		t.Helper()
		cl, ch := e.srpStart(clientID, typed, nil)
		id := ch.ChallengeParameters["USER_ID_FOR_SRP"]
		proof := e.srpProof(cl, poolID, ch, password)
		if answerAs != "" {
			proof["USERNAME"] = answerAs
		}
		out := must(e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, proof))(t)
		if out.AuthenticationResult == nil {
			t.Fatalf("%s: no tokens: %+v", typed, out)
		}
		return id, out.AuthenticationResult
	}

	// Phone number as username.
	pp := *must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("phone"),
		UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypePhoneNumber}}))(t).UserPool.Id
	pc := *must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &pp, ClientName: aws.String("web")}))(t).UserPoolClient.ClientId
	const phone = "+15555550123"
	su := must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &pc, Username: aws.String(phone), Password: aws.String(password)}))(t)
	must(e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &pp, Username: aws.String(phone)}))(t)
	for _, answerAs := range []string{"", phone} {
		id, tok := signIn(pp, pc, phone, answerAs)
		if id != *su.UserSub || claims(t, *tok.AccessToken)["username"] != *su.UserSub {
			t.Fatalf("phone pool: USER_ID_FOR_SRP %q, token username %v, want the sub %s", id, claims(t, *tok.AccessToken)["username"], *su.UserSub)
		}
		if claims(t, *tok.IdToken)["phone_number"] != phone {
			t.Fatalf("phone pool: ID token %v", claims(t, *tok.IdToken))
		}
	}

	// Email as an alias of a username, once verified.
	ap := *must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("alias"),
		AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}, AutoVerifiedAttributes: []types.VerifiedAttributeType{"email"}}))(t).UserPool.Id
	ac := *must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &ap, ClientName: aws.String("web")}))(t).UserPoolClient.ClientId
	e.signUp(ac, "carol") // email carol@example.com
	must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &ac, Username: aws.String("carol"), ConfirmationCode: aws.String(e.code(ap, "carol"))}))(t)
	for _, answerAs := range []string{"", "carol@example.com"} {
		id, tok := signIn(ap, ac, "carol@example.com", answerAs)
		if id != "carol" || claims(t, *tok.AccessToken)["username"] != "carol" {
			t.Fatalf("alias pool: USER_ID_FOR_SRP %q, token username %v, want carol", id, claims(t, *tok.AccessToken)["username"])
		}
	}
	// The maths uses the canonical name: a proof computed over the alias
	// (what a client ignoring USER_ID_FOR_SRP would do) fails.
	cl, ch := e.srpStart(ac, "carol@example.com", nil)
	ch.ChallengeParameters["USER_ID_FOR_SRP"] = "carol@example.com"
	_, err := e.respond(ac, types.ChallengeNameTypePasswordVerifier, ch.Session, e.srpProof(cl, ap, ch, password))
	wantErr(t, err, "NotAuthorizedException", "")
}
