package sdk_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/srp"
)

// The sign-in from a tracked device as AWS's Python example, AWS's Java v2
// DeviceAuthDemo and pycognito send it: USER_PASSWORD_AUTH with DEVICE_KEY,
// then DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER with no Session at all.

// devicePasswordStep signs in with the password and the device's key, and
// wants DEVICE_SRP_AUTH back.
func (e *env) devicePasswordStep(clientID, name string, meta *types.NewDeviceMetadataType) {
	e.t.Helper()
	out := must(e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password, "DEVICE_KEY": *meta.DeviceKey}}))(e.t)
	if out.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		e.t.Fatalf("password step with a remembered device: want DEVICE_SRP_AUTH, got %q", out.ChallengeName)
	}
}

// sessionlessSRP answers DEVICE_SRP_AUTH without a Session.
func (e *env) sessionlessSRP(clientID, name, deviceKey string) (*srp.Client, *cip.RespondToAuthChallengeOutput, error) {
	cl, err := srp.NewClient()
	if err != nil {
		e.t.Fatal(err)
	}
	out, err := e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
		ChallengeName:      types.ChallengeNameTypeDeviceSrpAuth,
		ChallengeResponses: map[string]string{"USERNAME": name, "SRP_A": cl.PublicHex(), "DEVICE_KEY": deviceKey}})
	return cl, out, err
}

// sessionlessVerifier answers DEVICE_PASSWORD_VERIFIER without a Session,
// proving the device password pw.
func (e *env) sessionlessVerifier(clientID, name string, meta *types.NewDeviceMetadataType, cl *srp.Client, ch *cip.RespondToAuthChallengeOutput, pw string) (*cip.RespondToAuthChallengeOutput, error) {
	e.t.Helper()
	if ch.ChallengeName != types.ChallengeNameTypeDevicePasswordVerifier {
		e.t.Fatalf("want DEVICE_PASSWORD_VERIFIER, got %q", ch.ChallengeName)
	}
	p := ch.ChallengeParameters
	resp, err := cl.Respond(srp.Challenge{PoolName: *meta.DeviceGroupKey, UserID: *meta.DeviceKey, Salt: p["SALT"], B: p["SRP_B"],
		SecretBlock: p["SECRET_BLOCK"]}, pw, e.srv.Clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypeDevicePasswordVerifier,
		ChallengeResponses: map[string]string{"USERNAME": p["USERNAME"], "DEVICE_KEY": *meta.DeviceKey, "TIMESTAMP": resp.Timestamp,
			"PASSWORD_CLAIM_SECRET_BLOCK": resp.SecretBlock, "PASSWORD_CLAIM_SIGNATURE": resp.Signature}})
}

// sessionlessDevice runs both device steps without a Session.
func (e *env) sessionlessDevice(clientID, name string, meta *types.NewDeviceMetadataType, dev *srp.DeviceSecret) (*cip.RespondToAuthChallengeOutput, error) {
	e.t.Helper()
	cl, ch, err := e.sessionlessSRP(clientID, name, *meta.DeviceKey)
	if err != nil {
		return nil, err
	}
	return e.sessionlessVerifier(clientID, name, meta, cl, ch, dev.Password)
}

func wantDeviceTokens(t *testing.T, out *cip.RespondToAuthChallengeOutput, meta *types.NewDeviceMetadataType) {
	t.Helper()
	if out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == nil {
		t.Fatalf("no tokens: %+v", out)
	}
	if claims(t, *out.AuthenticationResult.AccessToken)["device_key"] != *meta.DeviceKey {
		t.Fatal("access token lacks the device_key")
	}
}

// TestSessionlessDeviceSignIn: a remembered device signs in without a TOTP
// code and without ever sending a Session, after USER_PASSWORD_AUTH and
// after USER_SRP_AUTH.
func TestSessionlessDeviceSignIn(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.devicePool()
	name := e.user(poolID, clientID)
	_, meta, dev := e.rememberDevice(clientID, name)

	e.devicePasswordStep(clientID, name, meta)
	wantDeviceTokens(t, must(e.sessionlessDevice(clientID, name, meta, dev))(t), meta)

	// After an SRP password proof (PASSWORD_VERIFIER, itself sessionless).
	cl, ch := e.srpStart(clientID, name, nil)
	proof := e.srpProof(cl, poolID, ch, password)
	proof["DEVICE_KEY"] = *meta.DeviceKey
	out := must(e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeResponses: proof}))(t)
	if out.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("SRP with a remembered device: want DEVICE_SRP_AUTH, got %q", out.ChallengeName)
	}
	wantDeviceTokens(t, must(e.sessionlessDevice(clientID, name, meta, dev))(t), meta)

	// The session-carrying form (Amplify, amazon-cognito-identity-js) still works.
	out = must(e.srpSignIn(poolID, clientID, name, *meta.DeviceKey))(t)
	wantDeviceTokens(t, must(e.deviceProof(clientID, name, out, meta, dev))(t), meta)
}

// TestSessionlessDeviceRefusals: a sessionless DEVICE_SRP_AUTH only
// continues a password step that this user, device and client passed moments
// ago, once; the device secret alone never yields tokens.
func TestSessionlessDeviceRefusals(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.devicePool()
	name := e.user(poolID, clientID)
	secret, meta, dev := e.rememberDevice(clientID, name)
	badSession := func(err error) {
		t.Helper()
		wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	}

	// The device secret alone: no password step, no tokens.
	_, _, err := e.sessionlessSRP(clientID, name, *meta.DeviceKey)
	badSession(err)

	// A password step finished through its Session (as Amplify does) leaves
	// nothing for a sessionless caller to continue.
	out := must(e.srpSignIn(poolID, clientID, name, *meta.DeviceKey))(t)
	wantDeviceTokens(t, must(e.deviceProof(clientID, name, out, meta, dev))(t), meta)
	_, _, err = e.sessionlessSRP(clientID, name, *meta.DeviceKey)
	badSession(err)

	// A second remembered device of the same user.
	tokens := e.mfaSignIn(clientID, name, secret)
	meta2 := tokens.NewDeviceMetadata
	if meta2 == nil {
		t.Fatal("no NewDeviceMetadata for a second device")
	}
	dev2 := e.confirmDevice(tokens.AccessToken, meta2, "phone")
	must(e.c.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{AccessToken: tokens.AccessToken, DeviceKey: meta2.DeviceKey,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered}))(t)

	// Wrong device: the password step named the first device.
	e.devicePasswordStep(clientID, name, meta)
	_, _, err = e.sessionlessSRP(clientID, name, *meta2.DeviceKey)
	badSession(err)
	// Another user cannot continue it, with either key.
	other := e.user(poolID, clientID)
	_, _, err = e.sessionlessSRP(clientID, other, *meta.DeviceKey)
	badSession(err)

	// Another client of the same pool cannot continue it.
	c2 := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("other"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t)
	_, _, err = e.sessionlessSRP(*c2.UserPoolClient.ClientId, name, *meta.DeviceKey)
	badSession(err)

	// The right user, device and client continue it, once.
	cl, ch, err := e.sessionlessSRP(clientID, name, *meta.DeviceKey)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = e.sessionlessSRP(clientID, name, *meta.DeviceKey)
	badSession(err)
	// A wrong device password fails and counts; the proof's state is spent.
	_, err = e.sessionlessVerifier(clientID, name, meta, cl, ch, "not-the-device-password")
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = e.sessionlessVerifier(clientID, name, meta, cl, ch, dev.Password)
	badSession(err)

	// A right proof yields tokens once; its secret block cannot be replayed.
	e.devicePasswordStep(clientID, name, meta)
	cl, ch, err = e.sessionlessSRP(clientID, name, *meta.DeviceKey)
	if err != nil {
		t.Fatal(err)
	}
	wantDeviceTokens(t, must(e.sessionlessVerifier(clientID, name, meta, cl, ch, dev.Password))(t), meta)
	_, err = e.sessionlessVerifier(clientID, name, meta, cl, ch, dev.Password)
	badSession(err)
	// The block names its device: the second device cannot use the first's.
	e.devicePasswordStep(clientID, name, meta)
	cl, ch, err = e.sessionlessSRP(clientID, name, *meta.DeviceKey)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.sessionlessVerifier(clientID, name, meta2, cl, ch, dev2.Password)
	badSession(err)

	// Expired: the password step is good for the client's
	// AuthSessionValidity (3 minutes by default).
	e.devicePasswordStep(clientID, name, meta)
	e.srv.Clock.Advance(3*time.Minute + time.Second)
	_, _, err = e.sessionlessSRP(clientID, name, *meta.DeviceKey)
	badSession(err)
	// And the DEVICE_PASSWORD_VERIFIER step expires the same way.
	e.devicePasswordStep(clientID, name, meta)
	cl, ch, err = e.sessionlessSRP(clientID, name, *meta.DeviceKey)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Clock.Advance(3*time.Minute + time.Second)
	_, err = e.sessionlessVerifier(clientID, name, meta, cl, ch, dev.Password)
	badSession(err)

	// Many password steps never continued (the record keeps the newest
	// few, internal/idp TestDeviceTicketsAreBounded): the latest works.
	for i := 0; i < 12; i++ {
		e.devicePasswordStep(clientID, name, meta)
	}
	wantDeviceTokens(t, must(e.sessionlessDevice(clientID, name, meta, dev))(t), meta)
}

// TestSessionlessDeviceSignInAcrossRestart: the password step's record and
// the device proof's state live in the store and the sealed block, so each
// step may reach a new server on the same data.
func TestSessionlessDeviceSignInAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, cognatetest.WithDataDir(dir))
	poolID, clientID := e.devicePool()
	name := e.user(poolID, clientID)
	_, meta, dev := e.rememberDevice(clientID, name)
	e.devicePasswordStep(clientID, name, meta)
	now := e.srv.Clock.Now()
	e.srv.Close()

	e2 := newEnv(t, cognatetest.WithDataDir(dir))
	e2.srv.Clock.Set(now.Add(time.Second))
	cl, ch, err := e2.sessionlessSRP(clientID, name, *meta.DeviceKey)
	if err != nil {
		t.Fatal(err)
	}
	now = e2.srv.Clock.Now()
	e2.srv.Close()

	e3 := newEnv(t, cognatetest.WithDataDir(dir))
	e3.srv.Clock.Set(now.Add(time.Second))
	wantDeviceTokens(t, must(e3.sessionlessVerifier(clientID, name, meta, cl, ch, dev.Password))(t), meta)
	// Spent on the old server, spent here too.
	_, _, err = e3.sessionlessSRP(clientID, name, *meta.DeviceKey)
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	_, err = e3.sessionlessVerifier(clientID, name, meta, cl, ch, dev.Password)
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
}

// TestSessionlessDeviceSecretHash: for a client with a secret, both
// sessionless device steps need SECRET_HASH, refused with Cognito's words
// when missing or wrong, and a refusal spends nothing.
func TestSessionlessDeviceSecretHash(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.devicePool()
	name := e.user(poolID, clientID)
	_, meta, dev := e.rememberDevice(clientID, name)
	sc := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("server"),
		GenerateSecret: true, ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t).UserPoolClient
	id, hash := *sc.ClientId, secretHash(*sc.ClientSecret, name, *sc.ClientId)
	out := must(e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &id, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password, "DEVICE_KEY": *meta.DeviceKey, "SECRET_HASH": hash}}))(t)
	if out.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("want DEVICE_SRP_AUTH, got %q", out.ChallengeName)
	}
	respond := func(challenge types.ChallengeNameType, r map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &id, ChallengeName: challenge, ChallengeResponses: r})
	}
	cl, err := srp.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	r := map[string]string{"USERNAME": name, "SRP_A": cl.PublicHex(), "DEVICE_KEY": *meta.DeviceKey}
	_, err = respond(types.ChallengeNameTypeDeviceSrpAuth, r)
	wantErr(t, err, "NotAuthorizedException", "is configured for secret but secret was not received")
	r["SECRET_HASH"] = secretHash(*sc.ClientSecret, name+"x", *sc.ClientId)
	_, err = respond(types.ChallengeNameTypeDeviceSrpAuth, r)
	wantErr(t, err, "NotAuthorizedException", "Unable to verify secret hash for client")
	// An unknown user is answered the same way.
	_, err = respond(types.ChallengeNameTypeDeviceSrpAuth, map[string]string{"USERNAME": "nobody", "SRP_A": cl.PublicHex(), "DEVICE_KEY": *meta.DeviceKey})
	wantErr(t, err, "NotAuthorizedException", "is configured for secret but secret was not received")
	r["SECRET_HASH"] = hash
	ch := must(respond(types.ChallengeNameTypeDeviceSrpAuth, r))(t)

	p := ch.ChallengeParameters
	resp, err := cl.Respond(srp.Challenge{PoolName: *meta.DeviceGroupKey, UserID: *meta.DeviceKey, Salt: p["SALT"], B: p["SRP_B"],
		SecretBlock: p["SECRET_BLOCK"]}, dev.Password, e.srv.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	v := map[string]string{"USERNAME": name, "DEVICE_KEY": *meta.DeviceKey, "TIMESTAMP": resp.Timestamp,
		"PASSWORD_CLAIM_SECRET_BLOCK": resp.SecretBlock, "PASSWORD_CLAIM_SIGNATURE": resp.Signature}
	_, err = respond(types.ChallengeNameTypeDevicePasswordVerifier, v)
	wantErr(t, err, "NotAuthorizedException", "is configured for secret but secret was not received")
	v["SECRET_HASH"] = hash
	wantDeviceTokens(t, must(respond(types.ChallengeNameTypeDevicePasswordVerifier, v))(t), meta)
}
