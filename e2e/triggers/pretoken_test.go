package triggers_test

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/lambdatest"
	"github.com/cognate-idp/cognate/internal/srp"
)

// claimsOf decodes a JWT's payload (the server's signature is checked by
// the API calls that use the tokens).
func claimsOf(t testing.TB, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// v1 and v2, v3 are the LambdaConfig of a pool whose pre token generation
// function is the emulator's, in each event version.
func v1() *types.LambdaConfigType { return &types.LambdaConfigType{PreTokenGeneration: aws.String(fn)} }

func versioned(v types.PreTokenGenerationLambdaVersionType) *types.LambdaConfigType {
	return &types.LambdaConfigType{PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{
		LambdaArn: aws.String(fn), LambdaVersion: v}}
}

// user creates a confirmed user with a password, in a group with a role.
func (e *env) user(poolID, name string, groups ...string) {
	e.t.Helper()
	if _, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name),
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{attr("email", name+"@example.com"),
			attr("email_verified", "true"), attr("family_name", "Smith")}}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String(name),
		Password: aws.String(password), Permanent: true}); err != nil {
		e.t.Fatal(err)
	}
	for _, g := range groups {
		if _, err := e.c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String(g),
			RoleArn: aws.String("arn:aws:iam::123456789012:role/" + g), Precedence: aws.Int32(1)}); err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(poolID), Username: aws.String(name),
			GroupName: aws.String(g)}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// signIn is USER_PASSWORD_AUTH.
func (e *env) signIn(clientID, name string) (*cip.InitiateAuthOutput, error) {
	return e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}})
}

func strs(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// V1_0, TokenGeneration_Authentication: the event carries the user's
// attributes and groups (no scopes); the answer adds, overrides and
// suppresses claims of the ID token only, leaves Cognito's own claims as
// they are, and overrides the groups and roles.
func TestPreTokenGenerationV1Authentication(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(v1())
	e.user(poolID, "ann", "staff")
	role := "arn:aws:iam::123456789012:role/admin"
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsPreTokenGenResponse{ClaimsOverrideDetails: events.ClaimsOverrideDetails{
			ClaimsToAddOrOverride: map[string]string{"tenant": "acme", "email": "ann@acme.example", "sub": "forged", "iss": "https://evil.example",
				"cognito:username": "root", "gone": "x", "cognito:groups": "smuggled"},
			ClaimsToSuppress:     []string{"family_name", "gone", "aud", "token_use"},
			GroupOverrideDetails: events.GroupConfiguration{GroupsToOverride: []string{"admin", "staff"}, IAMRolesToOverride: []string{role}, PreferredRole: &role},
		}}}
	})
	out, err := e.signIn(clientID, "ann")
	if err != nil {
		t.Fatal(err)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "TokenGeneration_Authentication" {
		t.Fatalf("sources %s", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPreTokenGen
	if err := calls[0].Event(&ev); err != nil {
		t.Fatal(err)
	}
	if ev.Version != "1" || ev.UserName != "ann" || ev.UserPoolID != poolID || ev.CallerContext.ClientID != clientID {
		t.Errorf("header %+v", ev.CognitoEventUserPoolsHeader)
	}
	ua := ev.Request.UserAttributes
	if ua["email"] != "ann@example.com" || ua["sub"] == "" || ua["cognito:user_status"] != "CONFIRMED" || ua["family_name"] != "Smith" {
		t.Errorf("userAttributes %v", ua)
	}
	g := ev.Request.GroupConfiguration
	if !reflect.DeepEqual(g.GroupsToOverride, []string{"staff"}) || !reflect.DeepEqual(g.IAMRolesToOverride, []string{"arn:aws:iam::123456789012:role/staff"}) ||
		g.PreferredRole == nil || *g.PreferredRole != "arn:aws:iam::123456789012:role/staff" {
		t.Errorf("groupConfiguration %+v", g)
	}
	if strings.Contains(string(calls[0].Raw), `"scopes"`) {
		t.Errorf("a V1_0 event carries scopes: %s", calls[0].Raw)
	}

	id, access := claimsOf(t, *out.AuthenticationResult.IdToken), claimsOf(t, *out.AuthenticationResult.AccessToken)
	if id["tenant"] != "acme" || id["email"] != "ann@acme.example" {
		t.Errorf("added or overridden claims missing: %v", id)
	}
	if id["sub"] != ua["sub"] || id["iss"] == "https://evil.example" || id["cognito:username"] != "ann" || id["aud"] != clientID || id["token_use"] != "id" {
		t.Errorf("Cognito's own claims changed: %v", id)
	}
	if _, ok := id["family_name"]; ok {
		t.Errorf("family_name not suppressed: %v", id)
	}
	if _, ok := id["gone"]; ok {
		t.Errorf("a claim both added and suppressed must be suppressed: %v", id)
	}
	if !reflect.DeepEqual(strs(id["cognito:groups"]), []string{"admin", "staff"}) || !reflect.DeepEqual(strs(id["cognito:roles"]), []string{role}) ||
		id["cognito:preferred_role"] != role {
		t.Errorf("group override in the ID token: %v", id)
	}
	// V1_0 leaves the access token's claims, but for the groups.
	if _, ok := access["tenant"]; ok {
		t.Errorf("a V1_0 answer changed the access token: %v", access)
	}
	if !reflect.DeepEqual(strs(access["cognito:groups"]), []string{"admin", "staff"}) || access["scope"] != "aws.cognito.signin.user.admin" {
		t.Errorf("access token %v", access)
	}
	// The tokens work.
	if _, err := e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken}); err != nil {
		t.Fatal(err)
	}

	// A V1_0 claim value must be a string.
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Raw: []byte(`{"response":{"claimsOverrideDetails":{"claimsToAddOrOverride":{"n":5}}}}`)}
	})
	_, err = e.signIn(clientID, "ann")
	wantErr(t, err, "InvalidLambdaResponseException", "Unrecognizable lambda output")
	checkLossless(t, emu.Calls())
}

// V2_0 through AdminInitiateAuth: the event adds the scopes; the answer
// changes both tokens, with JSON values, and the access token's scopes;
// Cognito's own access token claims stay.
func TestPreTokenGenerationV2ClaimsAndScopes(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(versioned(types.PreTokenGenerationLambdaVersionTypeV20))
	e.user(poolID, "bo", "staff")
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsPreTokenGenResponseV2_0{ClaimsAndScopeOverrideDetails: events.ClaimsAndScopeOverrideDetailsV2_0{
			IDTokenGeneration: events.IDTokenGenerationV2_0{
				ClaimsToAddOrOverride: map[string]any{"profile": map[string]any{"tier": "gold", "seats": 3}, "tags": []any{"a", "b"}, "beta": true,
					"email_verified": map[string]any{"nested": 1}},
				ClaimsToSuppress: []string{"family_name"}},
			AccessTokenGeneration: events.AccessTokenGenerationV2_0{
				ClaimsToAddOrOverride: map[string]any{"tenant": "acme", "client_id": "forged", "scope": "admin", "username": "root", "jti": "x"},
				ClaimsToSuppress:      []string{"cognito:groups", "origin_jti"},
				ScopesToAdd:           []string{"orders/read", "orders/write"},
				ScopesToSuppress:      []string{"orders/write"}},
		}}}
	})
	out, err := e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "bo", "PASSWORD": password}})
	if err != nil {
		t.Fatal(err)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "TokenGeneration_Authentication" {
		t.Fatalf("sources %s", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPreTokenGenV2_0
	if err := calls[0].Event(&ev); err != nil {
		t.Fatal(err)
	}
	if ev.Version != "2" || !reflect.DeepEqual(ev.Request.Scopes, []string{"aws.cognito.signin.user.admin"}) {
		t.Errorf("version %s, scopes %v", ev.Version, ev.Request.Scopes)
	}
	id, access := claimsOf(t, *out.AuthenticationResult.IdToken), claimsOf(t, *out.AuthenticationResult.AccessToken)
	if p, _ := id["profile"].(map[string]any); p["tier"] != "gold" || p["seats"] != float64(3) || !reflect.DeepEqual(strs(id["tags"]), []string{"a", "b"}) || id["beta"] != true {
		t.Errorf("ID token JSON claims: %v", id)
	}
	if id["email_verified"] != true {
		t.Errorf("email_verified takes no object: %v", id["email_verified"])
	}
	if _, ok := id["family_name"]; ok {
		t.Errorf("family_name not suppressed: %v", id)
	}
	if !reflect.DeepEqual(strs(id["cognito:groups"]), []string{"staff"}) {
		t.Errorf("the ID token's groups: %v", id["cognito:groups"])
	}
	if access["tenant"] != "acme" || access["client_id"] != clientID || access["username"] != "bo" || access["jti"] == "x" || access["origin_jti"] == nil {
		t.Errorf("access token claims: %v", access)
	}
	if _, ok := access["cognito:groups"]; ok {
		t.Errorf("cognito:groups not suppressed in the access token: %v", access)
	}
	if access["scope"] != "aws.cognito.signin.user.admin orders/read" {
		t.Errorf("scope %q", access["scope"])
	}
}

// TokenGeneration_RefreshTokens: REFRESH_TOKEN_AUTH and
// GetTokensFromRefreshToken (with its ClientMetadata) call the trigger, and
// its answer changes the refreshed tokens.
func TestPreTokenGenerationRefreshTokens(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(versioned(types.PreTokenGenerationLambdaVersionTypeV20))
	e.user(poolID, "cy")
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsPreTokenGenResponseV2_0{ClaimsAndScopeOverrideDetails: events.ClaimsAndScopeOverrideDetailsV2_0{
			AccessTokenGeneration: events.AccessTokenGenerationV2_0{ClaimsToAddOrOverride: map[string]any{"via": inv.Source()}}}}}
	})
	out, err := e.signIn(clientID, "cy")
	if err != nil {
		t.Fatal(err)
	}
	rt := out.AuthenticationResult.RefreshToken
	ref, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *rt}, ClientMetadata: map[string]string{"not": "passed"}})
	if err != nil {
		t.Fatal(err)
	}
	if v := claimsOf(t, *ref.AuthenticationResult.AccessToken)["via"]; v != "TokenGeneration_RefreshTokens" {
		t.Errorf("refreshed access token via %v", v)
	}
	got, err := e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(clientID), RefreshToken: rt,
		ClientMetadata: map[string]string{"app": "mobile"}})
	if err != nil {
		t.Fatal(err)
	}
	if v := claimsOf(t, *got.AuthenticationResult.AccessToken)["via"]; v != "TokenGeneration_RefreshTokens" {
		t.Errorf("GetTokensFromRefreshToken access token via %v", v)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "TokenGeneration_Authentication,TokenGeneration_RefreshTokens,TokenGeneration_RefreshTokens" {
		t.Fatalf("sources %s", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPreTokenGenV2_0
	_ = calls[1].Event(&ev)
	if ev.UserName != "cy" || len(ev.Request.ClientMetadata) != 0 {
		t.Errorf("REFRESH_TOKEN_AUTH event: user %q, clientMetadata %v (InitiateAuth passes none)", ev.UserName, ev.Request.ClientMetadata)
	}
	_ = calls[2].Event(&ev)
	if ev.Request.ClientMetadata["app"] != "mobile" {
		t.Errorf("GetTokensFromRefreshToken event: clientMetadata %v", ev.Request.ClientMetadata)
	}
}

// A refusal on refresh leaves the refresh token as it was: under rotation
// with no grace period, a refused refresh does not spend the token.
func TestPreTokenGenerationRefreshRefusalKeepsToken(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(v1())
	if _, err := e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
		ExplicitAuthFlows:    []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(0)}}); err != nil {
		t.Fatal(err)
	}
	e.user(poolID, "dee")
	emu.Handle(nil)
	out, err := e.signIn(clientID, "dee")
	if err != nil {
		t.Fatal(err)
	}
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply { return lambdatest.Reply{Error: "refresh refused"} })
	in := &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(clientID), RefreshToken: out.AuthenticationResult.RefreshToken}
	_, err = e.c.GetTokensFromRefreshToken(ctx, in)
	wantErr(t, err, "UserLambdaValidationException", "PreTokenGeneration failed with error refresh refused.")
	checkLossless(t, emu.Calls())
	emu.Handle(nil)
	if _, err := e.c.GetTokensFromRefreshToken(ctx, in); err != nil {
		t.Fatalf("the refused refresh spent the token: %v", err)
	}
	_, err = e.c.GetTokensFromRefreshToken(ctx, in)
	wantErr(t, err, "RefreshTokenReuseException", "")
}

// TokenGeneration_NewPasswordChallenge: the sign-in that answers
// NEW_PASSWORD_REQUIRED, with RespondToAuthChallenge's ClientMetadata.
func TestPreTokenGenerationNewPasswordChallenge(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(v1())
	if _, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("eve"),
		TemporaryPassword: aws.String("Temp-Pass-123!"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{attr("email", "eve@example.com")}}); err != nil {
		t.Fatal(err)
	}
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsPreTokenGenResponse{ClaimsOverrideDetails: events.ClaimsOverrideDetails{
			ClaimsToAddOrOverride: map[string]string{"first_login": "yes"}}}}
	})
	ch, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "eve", "PASSWORD": "Temp-Pass-123!"}})
	if err != nil {
		t.Fatal(err)
	}
	if ch.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || len(emu.Calls()) != 0 {
		t.Fatalf("challenge %q after %d calls", ch.ChallengeName, len(emu.Calls()))
	}
	out, err := e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID), Session: ch.Session,
		ChallengeName: types.ChallengeNameTypeNewPasswordRequired, ChallengeResponses: map[string]string{"USERNAME": "eve", "NEW_PASSWORD": password},
		ClientMetadata: map[string]string{"step": "new-password"}})
	if err != nil {
		t.Fatal(err)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "TokenGeneration_NewPasswordChallenge" {
		t.Fatalf("sources %s", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPreTokenGen
	_ = calls[0].Event(&ev)
	if ev.Request.ClientMetadata["step"] != "new-password" || ev.Request.UserAttributes["cognito:user_status"] != "CONFIRMED" {
		t.Errorf("request %+v", ev.Request)
	}
	if claimsOf(t, *out.AuthenticationResult.IdToken)["first_login"] != "yes" {
		t.Error("the ID token lacks the added claim")
	}
}

// TokenGeneration_AuthenticateDevice: a sign-in that ends with a
// remembered device's proof (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER).
func TestPreTokenGenerationAuthenticateDevice(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(v1())
	if _, err := e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID), LambdaConfig: v1(),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		DeviceConfiguration:    &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true}}); err != nil {
		t.Fatal(err)
	}
	e.user(poolID, "fay")
	emu.Handle(nil)
	first, err := e.signIn(clientID, "fay")
	if err != nil {
		t.Fatal(err)
	}
	meta := first.AuthenticationResult.NewDeviceMetadata
	if meta == nil {
		t.Fatal("no NewDeviceMetadata")
	}
	dev, err := srp.NewDeviceSecret(*meta.DeviceGroupKey, *meta.DeviceKey)
	if err != nil {
		t.Fatal(err)
	}
	pv, salt := dev.VerifierConfig()
	if _, err := e.c.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{AccessToken: first.AuthenticationResult.AccessToken, DeviceKey: meta.DeviceKey,
		DeviceName: aws.String("laptop"), DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: &pv, Salt: &salt}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{AccessToken: first.AuthenticationResult.AccessToken, DeviceKey: meta.DeviceKey,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered}); err != nil {
		t.Fatal(err)
	}

	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsPreTokenGenResponse{ClaimsOverrideDetails: events.ClaimsOverrideDetails{
			ClaimsToAddOrOverride: map[string]string{"trusted_device": "yes"}}}}
	})
	ch, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "fay", "PASSWORD": password, "DEVICE_KEY": *meta.DeviceKey}})
	if err != nil {
		t.Fatal(err)
	}
	if ch.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("want DEVICE_SRP_AUTH, got %q", ch.ChallengeName)
	}
	cl, _ := srp.NewClient()
	pc, err := e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID), Session: ch.Session,
		ChallengeName:      types.ChallengeNameTypeDeviceSrpAuth,
		ChallengeResponses: map[string]string{"USERNAME": "fay", "DEVICE_KEY": *meta.DeviceKey, "SRP_A": cl.PublicHex()}})
	if err != nil {
		t.Fatal(err)
	}
	p := pc.ChallengeParameters
	resp, err := cl.Respond(srp.Challenge{PoolName: *meta.DeviceGroupKey, UserID: *meta.DeviceKey, Salt: p["SALT"], B: p["SRP_B"],
		SecretBlock: p["SECRET_BLOCK"]}, dev.Password, e.srv.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID), Session: pc.Session,
		ChallengeName: types.ChallengeNameTypeDevicePasswordVerifier, ChallengeResponses: map[string]string{"USERNAME": "fay",
			"DEVICE_KEY": *meta.DeviceKey, "PASSWORD_CLAIM_SECRET_BLOCK": resp.SecretBlock, "PASSWORD_CLAIM_SIGNATURE": resp.Signature, "TIMESTAMP": resp.Timestamp}})
	if err != nil {
		t.Fatal(err)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "TokenGeneration_AuthenticateDevice" {
		t.Fatalf("sources %s", sources(calls))
	}
	id := claimsOf(t, *out.AuthenticationResult.IdToken)
	if id["trusted_device"] != "yes" || claimsOf(t, *out.AuthenticationResult.AccessToken)["device_key"] != *meta.DeviceKey {
		t.Errorf("ID token %v", id)
	}
}

// A function error refuses the sign-in with Cognito's wording, before
// anything is stored: no tokens, no device, and the user's devices as
// they were; the next sign-in goes through.
func TestPreTokenGenerationFailureRefusesSignIn(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(versioned(types.PreTokenGenerationLambdaVersionTypeV20))
	if _, err := e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID),
		LambdaConfig:           versioned(types.PreTokenGenerationLambdaVersionTypeV20),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		DeviceConfiguration:    &types.DeviceConfigurationType{}}); err != nil {
		t.Fatal(err)
	}
	e.user(poolID, "gus")
	devices := func() int {
		l, err := e.c.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: aws.String(poolID), Username: aws.String("gus")})
		if err != nil {
			t.Fatal(err)
		}
		return len(l.Devices)
	}
	before, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("gus")})
	if err != nil {
		t.Fatal(err)
	}
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply { return lambdatest.Reply{Error: "no tokens for you"} })
	out, err := e.signIn(clientID, "gus")
	wantErr(t, err, "UserLambdaValidationException", "PreTokenGeneration failed with error no tokens for you.")
	if out != nil {
		t.Fatalf("tokens after a refusal: %+v", out)
	}
	checkLossless(t, emu.Calls())
	if n := devices(); n != 0 {
		t.Errorf("%d devices after the refusal", n)
	}
	after, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("gus")})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before.UserAttributes, after.UserAttributes) || !after.UserLastModifiedDate.Equal(*before.UserLastModifiedDate) {
		t.Errorf("the refused sign-in changed the user")
	}
	// An unusable answer refuses it too.
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply { return lambdatest.Reply{Raw: []byte(`"tokens"`)} })
	_, err = e.signIn(clientID, "gus")
	wantErr(t, err, "InvalidLambdaResponseException", "Unrecognizable lambda output")
	emu.Handle(nil)
	ok, err := e.signIn(clientID, "gus")
	if err != nil {
		t.Fatal(err)
	}
	if ok.AuthenticationResult.NewDeviceMetadata == nil || ok.AuthenticationResult.RefreshToken == nil {
		t.Fatal("the sign-in after the refusal lacks its device or refresh token")
	}
	checkLossless(t, emu.Calls())
}
