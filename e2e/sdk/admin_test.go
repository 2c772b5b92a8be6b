package sdk_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/cognate-idp/cognate/cognatetest"
)

// TestAdminCallsNeedSignature: every admin operation refuses unsigned and
// wrongly signed calls, with AWS's error names.
func TestAdminCallsNeedSignature(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)

	anon := sdkClient(e.srv, aws.AnonymousCredentials{})
	_, err := anon.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name})
	wantErr(t, err, "MissingAuthenticationTokenException", "")
	_, err = anon.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})
	wantErr(t, err, "MissingAuthenticationTokenException", "")

	wrongSecret := sdkClient(e.srv, credentials.NewStaticCredentialsProvider(e.srv.AccessKeyID, "not-the-secret", ""))
	_, err = wrongSecret.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &poolID, Username: &name})
	wantErr(t, err, "InvalidSignatureException", "")
	unknownKey := sdkClient(e.srv, credentials.NewStaticCredentialsProvider("AKUNKNOWN", e.srv.SecretAccessKey, ""))
	_, err = unknownKey.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("x")})
	wantErr(t, err, "UnrecognizedClientException", "")
	// Nothing those calls asked for happened.
	if u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t); !u.Enabled {
		t.Fatal("a wrongly signed call disabled the user")
	}
	// Public operations work unsigned.
	must(anon.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}}))(t)
}

// TestPoolAndClientManagement covers the management operations.
func TestPoolAndClientManagement(t *testing.T) {
	e := newEnv(t)
	min := int32(10)
	created := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:                 aws.String("managed"),
		Policies:                 &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: &min, RequireNumbers: true}},
		UserPoolTags:             map[string]string{"team": "identity"},
		DeviceConfiguration:      &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true},
		EmailVerificationSubject: aws.String("Your code"),
		// A trigger this test's calls never run (its sign-up would call a
		// PreSignUp function, which e2e/triggers tests).
		LambdaConfig: &types.LambdaConfigType{DefineAuthChallenge: aws.String("arn:aws:lambda:us-east-1:123456789012:function:x")},
	}))(t).UserPool
	poolID := *created.Id
	if !poolIDPattern(poolID) || created.Arn == nil || created.CreationDate == nil || created.MfaConfiguration != types.UserPoolMfaTypeOff {
		t.Fatalf("created pool %+v", created)
	}
	d := must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(t).UserPool
	if *d.Policies.PasswordPolicy.MinimumLength != 10 || d.UserPoolTags["team"] != "identity" || !d.DeviceConfiguration.ChallengeRequiredOnNewDevice ||
		aws.ToString(d.LambdaConfig.DefineAuthChallenge) == "" || aws.ToString(d.EmailVerificationSubject) != "Your code" {
		t.Fatalf("settings not stored and returned: %+v", d)
	}
	// The policy is enforced: 10 characters, numbers, nothing else.
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web")}))(t).UserPoolClient
	_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: c.ClientId, Username: aws.String("u"), Password: aws.String("abcdefgh1")})
	wantErr(t, err, "InvalidPasswordException", "")
	must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: c.ClientId, Username: aws.String("u"), Password: aws.String("abcdefghi1")}))(t)
	if d := must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(t).UserPool; d.EstimatedNumberOfUsers != 1 {
		t.Fatalf("EstimatedNumberOfUsers %d", d.EstimatedNumberOfUsers)
	}

	// UpdateUserPool: members left out return to their defaults.
	must(e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, UserPoolTags: map[string]string{"team": "auth"}}))(t)
	d = must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(t).UserPool
	if d.UserPoolTags["team"] != "auth" || *d.Policies.PasswordPolicy.MinimumLength != 8 || d.DeviceConfiguration != nil || *d.Name != "managed" {
		t.Fatalf("after update %+v", d)
	}

	// Listing pages through every pool.
	for i := 0; i < 4; i++ {
		must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(fmt.Sprintf("p%d", i))}))(t)
	}
	seen := map[string]bool{}
	var next *string
	for pages := 0; ; pages++ {
		out := must(e.c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(2), NextToken: next}))(t)
		for _, p := range out.UserPools {
			seen[*p.Id] = true
		}
		if next = out.NextToken; next == nil {
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
	}
	if len(seen) != 5 || !seen[poolID] {
		t.Fatalf("listed %d pools", len(seen))
	}
	_, err = e.c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(61)})
	wantErr(t, err, "InvalidParameterException", "maxResults")

	// Clients: defaults, secrets, update, list, delete.
	// Validities and units not given are not filled in (Cognito's answer).
	if len(*c.ClientId) != 26 || c.ClientSecret != nil || c.AccessTokenValidity != nil || c.TokenValidityUnits != nil ||
		c.RefreshTokenValidity != 30 || *c.AuthSessionValidity != 3 {
		t.Fatalf("client defaults %+v", c)
	}
	sc := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("server"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t).UserPoolClient
	if sc.ClientSecret == nil || len(*sc.ClientSecret) < 24 {
		t.Fatalf("secret client %+v", sc)
	}
	desc := must(e.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: sc.ClientId}))(t).UserPoolClient
	if aws.ToString(desc.ClientSecret) != *sc.ClientSecret || len(desc.ExplicitAuthFlows) != 2 {
		t.Fatalf("described client %+v", desc)
	}
	// A client with a secret needs SECRET_HASH.
	_, err = e.c.SignUp(ctx, &cip.SignUpInput{ClientId: sc.ClientId, Username: aws.String("v"), Password: aws.String(password)})
	wantErr(t, err, "NotAuthorizedException", "configured for secret but secret was not received")
	_, err = e.c.SignUp(ctx, &cip.SignUpInput{ClientId: sc.ClientId, Username: aws.String("v"), Password: aws.String(password), SecretHash: aws.String("d3Jvbmc=")})
	wantErr(t, err, "NotAuthorizedException", "Unable to verify secret hash")
	must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: sc.ClientId, Username: aws.String("v"), Password: aws.String(password),
		SecretHash: aws.String(secretHash(*sc.ClientSecret, "v", *sc.ClientId))}))(t)
	must(e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &poolID, Username: aws.String("v")}))(t)
	_, err = e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: sc.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "v", "PASSWORD": password}})
	wantErr(t, err, "NotAuthorizedException", "secret")
	signed := must(e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: sc.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "v", "PASSWORD": password, "SECRET_HASH": secretHash(*sc.ClientSecret, "v", *sc.ClientId)}}))(t)
	_, err = e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: sc.ClientId, RefreshToken: signed.AuthenticationResult.RefreshToken})
	wantErr(t, err, "NotAuthorizedException", "")
	must(e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: sc.ClientId, ClientSecret: sc.ClientSecret,
		RefreshToken: signed.AuthenticationResult.RefreshToken}))(t)

	// The default client allows SRP and refresh, not password sign-in.
	_, err = e.passwordAuth(*c.ClientId, "u", "abcdefghi1")
	wantErr(t, err, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
	up := must(e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: c.ClientId, ClientName: aws.String("web2"),
		AccessTokenValidity: aws.Int32(2), TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeHours},
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(t).UserPoolClient
	if *up.ClientName != "web2" || *up.AccessTokenValidity != 2 {
		t.Fatalf("updated client %+v", up)
	}
	must(e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &poolID, Username: aws.String("u")}))(t)
	r := must(e.passwordAuth(*c.ClientId, "u", "abcdefghi1"))(t)
	if r.AuthenticationResult.ExpiresIn != 7200 {
		t.Fatalf("ExpiresIn %d after 2-hour validity", r.AuthenticationResult.ExpiresIn)
	}
	_, err = e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: c.ClientId, AccessTokenValidity: aws.Int32(2),
		TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeDays}})
	wantErr(t, err, "InvalidParameterException", "")
	list := must(e.c.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: &poolID, MaxResults: aws.Int32(1)}))(t)
	if len(list.UserPoolClients) != 1 || list.NextToken == nil {
		t.Fatalf("client list page %+v", list)
	}
	must(e.c.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &poolID, ClientId: c.ClientId}))(t)
	_, err = e.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: c.ClientId})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.passwordAuth(*c.ClientId, "u", "abcdefghi1")
	wantErr(t, err, "ResourceNotFoundException", "")

	must(e.c.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &poolID}))(t)
	_, err = e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.c.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &poolID})
	wantErr(t, err, "ResourceNotFoundException", "")
}

func poolIDPattern(id string) bool {
	region, rest, ok := strings.Cut(id, "_")
	if !ok || region != "us-east-1" || len(rest) != 9 {
		return false
	}
	for _, r := range rest {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// TestListUsers covers Limit, PaginationToken, AttributesToGet and Filter:
// = and ^= on every attribute Cognito lets ListUsers search.
func TestListUsers(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	people := []struct{ user, name, phone string }{
		{"anna", "Anna", "+15555550101"},
		{"andrew", "Andrew", "+15555550102"},
		{"bert", "Bert", "+493012345678"},
		{"carla", "Carla", "+15555550199"},
	}
	for _, p := range people {
		must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String(p.user), Password: aws.String(password),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(p.user + "@example.org")},
				{Name: aws.String("name"), Value: aws.String(p.name)}, {Name: aws.String("phone_number"), Value: aws.String(p.phone)}}}))(t)
	}
	// dora is invited by an administrator (FORCE_CHANGE_PASSWORD); her name
	// needs escaped quotes in a filter.
	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("dora"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("dora@example.net")},
			{Name: aws.String("name"), Value: aws.String(`Dora "D" Doe`)}, {Name: aws.String("phone_number"), Value: aws.String("+447700900123")}}}))(t)
	must(e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &poolID, Username: aws.String("bert")}))(t)
	must(e.c.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &poolID, Username: aws.String("carla")}))(t)
	names := func(f string, limit int32, attrs ...string) ([]string, *cip.ListUsersOutput) {
		in := &cip.ListUsersInput{UserPoolId: &poolID, AttributesToGet: attrs}
		if f != "" {
			in.Filter = &f
		}
		if limit > 0 {
			in.Limit = &limit
		}
		out := must(e.c.ListUsers(ctx, in))(t)
		var n []string
		for _, u := range out.Users {
			n = append(n, *u.Username)
		}
		return n, out
	}
	sub := func(user string) string {
		return attr(must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &user}))(t).UserAttributes, "sub")
	}
	bertSub := sub("bert")
	cases := []struct{ filter, want string }{
		{``, "andrew anna bert carla dora"},
		{`username = "anna"`, "anna"},
		{`username = "ann"`, ""},
		{`username ^= "an"`, "andrew anna"},
		{`username ^= "An"`, ""}, // usernames match case-sensitively
		{`email = "bert@example.org"`, "bert"},
		{`email ^= "c"`, "carla"},
		{`email^="d"`, "dora"},
		{`phone_number = "+15555550101"`, "anna"},
		{`phone_number = "+1555555010"`, ""},
		{`phone_number ^= "+1555555010"`, "andrew anna"},
		{`phone_number ^= "+44"`, "dora"},
		{`name = "Bert"`, "bert"},
		{`name = "Ber"`, ""},
		{`name ^= "A"`, "andrew anna"},
		{`name = "Dora \"D\" Doe"`, "dora"},
		{`name ^= "Dora \"D"`, "dora"},
		{`sub = "` + bertSub + `"`, "bert"},
		{`sub ^= "` + bertSub[:13] + `"`, "bert"},
		{`sub = "` + bertSub[:13] + `"`, ""},
		{`cognito:user_status = "CONFIRMED"`, "bert"},
		{`cognito:user_status = "UNCONFIRMED"`, "andrew anna carla"},
		{`cognito:user_status = "FORCE_CHANGE_PASSWORD"`, "dora"},
		{`cognito:user_status ^= "UN"`, "andrew anna carla"},
		{`cognito:user_status ^= "FORCE"`, "dora"},
		{`cognito:user_status = "confirmed"`, "bert"}, // Cognito: case-insensitive
		{`status = "Enabled"`, "andrew anna bert dora"},
		{`status = "Disabled"`, "carla"},
		{`status ^= "Disabled"`, "carla"},
		{`username = "nobody"`, ""},
		{`  username   =   "anna"  `, "anna"},
	}
	for _, c := range cases {
		if got, _ := names(c.filter, 0); strings.Join(got, " ") != c.want {
			t.Errorf("filter %s: %v, want %q", c.filter, got, c.want)
		}
	}
	// A filter and a limit page through the matches only.
	var matched []string
	var token *string
	for i := 0; i < 10; i++ {
		out := must(e.c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID, Filter: aws.String(`phone_number ^= "+1"`), Limit: aws.Int32(1), PaginationToken: token}))(t)
		for _, u := range out.Users {
			matched = append(matched, *u.Username)
		}
		if token = out.PaginationToken; token == nil {
			break
		}
	}
	if strings.Join(matched, " ") != "andrew anna carla" {
		t.Fatalf("filtered pages: %v", matched)
	}
	// Pagination visits every user once.
	var all []string
	token = nil
	for i := 0; i < 10; i++ {
		out := must(e.c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID, Limit: aws.Int32(2), PaginationToken: token}))(t)
		for _, u := range out.Users {
			all = append(all, *u.Username)
		}
		if token = out.PaginationToken; token == nil {
			break
		}
	}
	if strings.Join(all, " ") != "andrew anna bert carla dora" {
		t.Fatalf("paged: %v", all)
	}
	_, out := names(`username = "anna"`, 0, "email", "phone_number")
	if a := out.Users[0].Attributes; len(a) != 2 || attr(a, "email") != "anna@example.org" || attr(a, "phone_number") != "+15555550101" {
		t.Fatalf("AttributesToGet: %+v", a)
	}
	for _, bad := range []string{`username = anna`, `nope = "x"`, `custom:team = "x"`, `username ~ "a"`, `username == "a"`,
		`username = "a" and email = "b"`, `username = "a`, `= "a"`, `status = "enabled"`, `status = "Maybe"`} {
		_, err := e.c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID, Filter: aws.String(bad)})
		if err == nil {
			t.Errorf("filter %s: accepted", bad)
			continue
		}
		wantErr(t, err, "InvalidParameterException", "")
	}
}

// TestConcurrentSignUp: of many simultaneous sign-ups of one name, exactly
// one wins.
func TestConcurrentSignUp(t *testing.T) {
	e := newEnv(t)
	_, clientID := e.pool(types.UserPoolMfaTypeOff)
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("same"), Password: aws.String(password)})
		}(i)
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		var ae smithy.APIError
		switch {
		case err == nil:
			wins++
		case errors.As(err, &ae) && ae.ErrorCode() == "UsernameExistsException":
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d sign-ups won", wins)
	}
}

// TestReplayRefusedAfterRestart: the last used TOTP step is stored, so a
// restarted server still refuses the code.
func TestReplayRefusedAfterRestart(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, cognatetest.WithDataDir(dir))
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	name := e.user(poolID, clientID)
	secret, _ := e.enrol(clientID, name)
	start := must(e.passwordAuth(clientID, name, password))(t)
	code := e.totpCode(secret, 0)
	must(e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code}}))(t)
	now := e.srv.Clock.Now()
	e.srv.Close()

	e2 := newEnv(t, cognatetest.WithDataDir(dir))
	e2.srv.Clock.Set(now)
	again := must(e2.passwordAuth(clientID, name, password))(t)
	_, err := e2.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		Session: again.Session, ChallengeResponses: map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code}})
	wantErr(t, err, "ExpiredCodeException", "already been used")
}

// TestDeclaredConfig: --config creates pools and clients with fixed ids.
func TestDeclaredConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cognate.yaml")
	os.WriteFile(path, []byte(`
UserPools:
  - Id: us-east-1_devpool01
    PoolName: dev
    MfaConfiguration: "ON"
    AutoVerifiedAttributes: [email]
    SoftwareTokenMfaConfiguration: {Enabled: true}
    Clients:
      - ClientId: devclient0000000000000000a
        ClientName: web
        ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
`), 0o600)
	e := newEnv(t, cognatetest.WithConfigFile(path))
	name := e.user("us-east-1_devpool01", "devclient0000000000000000a")
	if r := must(e.passwordAuth("devclient0000000000000000a", name, password))(t); r.ChallengeName != types.ChallengeNameTypeMfaSetup {
		t.Fatalf("declared pool: challenge %q", r.ChallengeName)
	}
}

// TestBadInput sends malformed requests straight over HTTP: each gets the
// Cognito error, never a 500.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	_, clientID := e.pool(types.UserPoolMfaTypeOff)
	post := func(target, body string) (int, map[string]string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest("POST", e.srv.URL+"/some/path", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]string
		b, _ := io.ReadAll(resp.Body)
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("body %q is not a JSON object of strings", b)
		}
		return resp.StatusCode, m, resp.Header
	}
	const svc = "AWSCognitoIdentityProviderService."
	cases := []struct {
		target, body, code, msg string
	}{
		{svc + "NoSuchThing", `{}`, "UnknownOperationException", ""},
		{"", `{}`, "UnknownOperationException", ""},
		{svc + "SignUp", `{"ClientId":`, "SerializationException", ""},
		{svc + "SignUp", `[1,2]`, "SerializationException", ""},
		{svc + "SignUp", `{"ClientId": 5}`, "SerializationException", "ClientId"},
		{svc + "SignUp", `{}`, "InvalidParameterException", "'clientId'"},
		{svc + "SignUp", `{"ClientId":"` + clientID + `","Username":"` + strings.Repeat("a", 129) + `","Password":"x"}`, "InvalidParameterException", "'username' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{svc + "InitiateAuth", `{"ClientId":"` + clientID + `","AuthFlow":"MAGIC"}`, "InvalidParameterException", "'authFlow'"},
		{svc + "InitiateAuth", `{"ClientId":"` + clientID + `","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":null}}`, "InvalidParameterException", "USERNAME"},
		{svc + "RespondToAuthChallenge", `{"ClientId":"` + clientID + `","ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"` + strings.Repeat("x", 40) + `","ChallengeResponses":{"USERNAME":"a","SOFTWARE_TOKEN_MFA_CODE":"123456"}}`, "NotAuthorizedException", "Invalid session for the user."},
		{svc + "GetUser", `{"AccessToken":"eyJ.eyJ.sig"}`, "NotAuthorizedException", ""},
		{svc + "VerifySoftwareToken", `{"AccessToken":"abc","UserCode":"12"}`, "InvalidParameterException", "userCode"},
		{svc + "SignUp", `{"ClientId":"nosuchclient","Username":"a","Password":"Passw0rd!"}`, "ResourceNotFoundException", ""},
		// Spot checks of the model's member bounds.
		{svc + "SignUp", `{"ClientId":"` + strings.Repeat("a", 129) + `","Username":"a","Password":"x"}`, "InvalidParameterException", "'clientId' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{svc + "SignUp", `{"ClientId":"bad id","Username":"a","Password":"x"}`, "InvalidParameterException", "'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern"},
		{svc + "SignUp", `{"ClientId":"` + clientID + `","Username":"two words","Password":"x"}`, "InvalidParameterException", "'username' failed to satisfy constraint: Member must satisfy regular expression pattern"},
		{svc + "RespondToAuthChallenge", `{"ClientId":"` + clientID + `","ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"` + strings.Repeat("x", 19) + `"}`, "InvalidParameterException", "'session' failed to satisfy constraint: Member must have length greater than or equal to 20"},
		{svc + "RespondToAuthChallenge", `{"ClientId":"` + clientID + `","ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"` + strings.Repeat("x", 2049) + `"}`, "InvalidParameterException", "'session' failed to satisfy constraint: Member must have length less than or equal to 2048"},
		{svc + "VerifySoftwareToken", `{"Session":"` + strings.Repeat("x", 40) + `","UserCode":"12345a"}`, "InvalidParameterException", "'userCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+"},
		{svc + "VerifySoftwareToken", `{"Session":"` + strings.Repeat("x", 40) + `","UserCode":"1234567"}`, "InvalidParameterException", "'userCode' failed to satisfy constraint: Member must have length less than or equal to 6"},
		{svc + "GetDevice", `{"AccessToken":"abc","DeviceKey":"no-underscore"}`, "InvalidParameterException", "'deviceKey' failed to satisfy constraint: Member must satisfy regular expression pattern"},
		{svc + "ConfirmSignUp", `{"ClientId":"` + clientID + `","Username":"a","ConfirmationCode":"12 34"}`, "InvalidParameterException", "'confirmationCode' failed to satisfy constraint: Member must satisfy regular expression pattern"},
		// Nesting beyond the depth limit is refused before it is parsed.
		{svc + "SignUp", strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000), "SerializationException", "deeper than 32 levels"},
		{svc + "InitiateAuth", `{"AnalyticsMetadata":` + strings.Repeat("[", 33) + strings.Repeat("]", 33) + `}`, "SerializationException", "deeper than 32 levels"},
		// Brackets inside strings are not nesting.
		{svc + "SignUp", `{"ClientId":"nosuchclient","Username":"` + strings.Repeat("[", 100) + `","Password":"Passw0rd!"}`, "ResourceNotFoundException", ""},
	}
	for _, c := range cases {
		status, body, h := post(c.target, c.body)
		if status != 400 || body["__type"] != c.code || h.Get("x-amzn-ErrorType") != c.code || !strings.Contains(body["message"], c.msg) {
			t.Errorf("%s %s: %d %v (header %q); want 400 %s containing %q", c.target, c.body, status, body, h.Get("x-amzn-ErrorType"), c.code, c.msg)
		}
	}
	// A body over 1 MiB: 413 with a SerializationException, never a 500.
	big := `{"ClientId":"` + clientID + `","Username":"a","Password":"` + strings.Repeat("x", 2<<20) + `"}`
	if status, body, h := post(svc+"SignUp", big); status != 413 || body["__type"] != "SerializationException" ||
		h.Get("x-amzn-ErrorType") != "SerializationException" || !strings.Contains(body["message"], "larger than 1 MiB") {
		t.Errorf("oversized body: %d %v", status, body)
	}
	// Just under the cap is read (and then judged on its members).
	under := `{"ClientId":"` + clientID + `","Username":"a","Password":"` + strings.Repeat("x", 1<<20-200) + `"}`
	if status, body, _ := post(svc+"SignUp", under); status != 400 || body["__type"] != "InvalidParameterException" {
		t.Errorf("body under the cap: %d %v", status, body)
	}
	// Nesting within the limit, in a member kept as raw JSON, is accepted.
	nested := `{"ClientId":"` + clientID + `","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"nobody","PASSWORD":"x"},"AnalyticsMetadata":` +
		strings.Repeat(`{"a":`, 31) + "1" + strings.Repeat("}", 31) + `}`
	if _, body, _ := post(svc+"InitiateAuth", nested); body["__type"] != "UserNotFoundException" {
		t.Errorf("nesting within the limit: %v", body)
	}
	// The server still serves.
	resp, err := http.Get(e.srv.URL + "/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health after bad input: %v %v", resp, err)
	}
	// Browsers' preflight.
	req, _ := http.NewRequest("OPTIONS", e.srv.URL+"/", bytes.NewReader(nil))
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-amz-target,x-amz-user-agent")
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "x-amz-target") {
		t.Fatalf("preflight: %v %v", resp, err)
	}
}

// TestClientSettingsKept: client settings Cognito accepts and Cognate does
// not act on (analytics, attribute permissions, identity providers, context
// data, refresh token rotation) are stored and returned as given, on create
// and on update.
func TestClientSettingsKept(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	settings := func(c *types.UserPoolClientType) string {
		a := c.AnalyticsConfiguration
		rot := c.RefreshTokenRotation
		return fmt.Sprintf("analytics=%s,%s,%s,%v read=%v write=%v idps=%v context=%v rotation=%s,%d revocation=%v existence=%s",
			aws.ToString(a.ApplicationId), aws.ToString(a.RoleArn), aws.ToString(a.ExternalId), a.UserDataShared,
			c.ReadAttributes, c.WriteAttributes, c.SupportedIdentityProviders, aws.ToBool(c.EnablePropagateAdditionalUserContextData),
			rot.Feature, aws.ToInt32(rot.RetryGracePeriodSeconds), aws.ToBool(c.EnableTokenRevocation), c.PreventUserExistenceErrors)
	}
	const want = "analytics=app-1,arn:aws:iam::123456789012:role/pinpoint,ext-1,true read=[email name] write=[name] idps=[COGNITO] " +
		"context=true rotation=ENABLED,30 revocation=false existence=ENABLED"
	in := &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("kept"),
		AnalyticsConfiguration: &types.AnalyticsConfigurationType{ApplicationId: aws.String("app-1"),
			RoleArn: aws.String("arn:aws:iam::123456789012:role/pinpoint"), ExternalId: aws.String("ext-1"), UserDataShared: true},
		ReadAttributes: []string{"email", "name"}, WriteAttributes: []string{"name"}, SupportedIdentityProviders: []string{"COGNITO"},
		EnablePropagateAdditionalUserContextData: aws.Bool(true), EnableTokenRevocation: aws.Bool(false),
		RefreshTokenRotation:       &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(30)},
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled}
	created := must(e.c.CreateUserPoolClient(ctx, in))(t).UserPoolClient
	if got := settings(created); got != want {
		t.Fatalf("created: %s\nwant:    %s", got, want)
	}
	described := must(e.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: created.ClientId}))(t).UserPoolClient
	if got := settings(described); got != want {
		t.Fatalf("described: %s\nwant:      %s", got, want)
	}
	up := must(e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: created.ClientId,
		ReadAttributes: []string{"email"}, AnalyticsConfiguration: in.AnalyticsConfiguration,
		RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeDisabled}}))(t).UserPoolClient
	described = must(e.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: created.ClientId}))(t).UserPoolClient
	if settings(up) != settings(described) || !strings.Contains(settings(described), "read=[email] write=[]") ||
		!strings.Contains(settings(described), "rotation=DISABLED") {
		t.Fatalf("after update: %s", settings(described))
	}
}

// TestCustomClientSecret: CreateUserPoolClient with a ClientSecret of the
// caller's choosing makes a confidential client with that secret (Cognito
// takes it in place of a generated one), never a public one.
func TestCustomClientSecret(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	const secret = "my0own0client0secret0of0thirty0two"
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("custom"),
		ClientSecret: aws.String(secret), ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(t).UserPoolClient
	if aws.ToString(c.ClientSecret) != secret {
		t.Fatalf("created client secret %q", aws.ToString(c.ClientSecret))
	}
	d := must(e.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: c.ClientId}))(t).UserPoolClient
	if aws.ToString(d.ClientSecret) != secret {
		t.Fatalf("described client secret %q", aws.ToString(d.ClientSecret))
	}
	_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: c.ClientId, Username: aws.String("cs"), Password: aws.String(password)})
	wantErr(t, err, "NotAuthorizedException", "configured for secret but secret was not received")
	must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: c.ClientId, Username: aws.String("cs"), Password: aws.String(password),
		SecretHash: aws.String(secretHash(secret, "cs", *c.ClientId))}))(t)

	_, err = e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("both"),
		ClientSecret: aws.String(secret), GenerateSecret: true})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("short"),
		ClientSecret: aws.String("short")})
	wantErr(t, err, "InvalidParameterException", "clientSecret")
}
