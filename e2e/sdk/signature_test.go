package sdk_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	smithyauth "github.com/aws/smithy-go/auth"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/cognate-idp/cognate/internal/httpapi"
)

// rawAnswer is an API answer read straight off the wire.
type rawAnswer struct {
	status  int
	errType string // x-amzn-ErrorType
	body    map[string]any
}

func (a rawAnswer) code() string { s, _ := a.body["__type"].(string); return s }

// signing says how a raw request is signed; nil signs nothing.
type signing struct {
	keyID, secret string
	service       string
	at            time.Time
	// after changes the request once it is signed.
	after func(r *http.Request) *http.Request
}

// post sends one API call over plain HTTP, signed as s says.
func (e *env) post(op, body string, s *signing) rawAnswer {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	if s != nil {
		sum := sha256.Sum256([]byte(body))
		service, at := s.service, s.at
		if service == "" {
			service = "cognito-idp"
		}
		if at.IsZero() {
			at = time.Now()
		}
		creds := aws.Credentials{AccessKeyID: s.keyID, SecretAccessKey: s.secret}
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), service, e.srv.Region, at); err != nil {
			e.t.Fatal(err)
		}
		if s.after != nil {
			req = s.after(req)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := rawAnswer{status: resp.StatusCode, errType: resp.Header.Get("x-amzn-ErrorType"), body: map[string]any{}}
	if err := json.Unmarshal(b, &a.body); err != nil {
		e.t.Fatalf("%s: body %q is not a JSON object", op, b)
	}
	return a
}

// cognitoUnsigned are the operations Cognito's model marks as served
// without a signature (smithy.api#noAuth). Every other operation must be
// signed; the table may not make one public that Cognito signs.
var cognitoUnsigned = strings.Fields(`AssociateSoftwareToken ChangePassword CompleteWebAuthnRegistration ConfirmDevice
	ConfirmForgotPassword ConfirmSignUp DeleteUser DeleteUserAttributes DeleteWebAuthnCredential ForgetDevice ForgotPassword
	GetDevice GetTokensFromRefreshToken GetUser GetUserAttributeVerificationCode GetUserAuthFactors GlobalSignOut InitiateAuth
	ListDevices ListWebAuthnCredentials ResendConfirmationCode RespondToAuthChallenge RevokeToken SetUserMFAPreference
	SetUserSettings SignUp StartWebAuthnRegistration UpdateAuthEventFeedback UpdateDeviceStatus UpdateUserAttributes
	VerifySoftwareToken VerifyUserAttribute`)

var signatureErrors = []string{"MissingAuthenticationTokenException", "IncompleteSignatureException",
	"UnrecognizedClientException", "InvalidSignatureException"}

// poolState is everything an administrative call could change, as the
// admin sees it; two equal states mean nothing happened in between.
func (e *env) poolState(poolID, name string) string {
	e.t.Helper()
	var b strings.Builder
	pools := must(e.c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)}))(e.t)
	for _, p := range pools.UserPools {
		fmt.Fprintf(&b, "pool %s %s %v\n", *p.Id, *p.Name, p.LastModifiedDate)
	}
	d := must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(e.t).UserPool
	fmt.Fprintf(&b, "describe %s %v %d\n", d.MfaConfiguration, d.LastModifiedDate, d.EstimatedNumberOfUsers)
	clients := must(e.c.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: &poolID, MaxResults: aws.Int32(60)}))(e.t)
	for _, c := range clients.UserPoolClients {
		fmt.Fprintf(&b, "client %s %s\n", *c.ClientId, *c.ClientName)
	}
	users := must(e.c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID}))(e.t)
	for _, u := range users.Users {
		fmt.Fprintf(&b, "user %s %s %v %v\n", *u.Username, u.UserStatus, u.Enabled, u.UserLastModifiedDate)
		attrs := []string{}
		for _, a := range u.Attributes {
			attrs = append(attrs, *a.Name+"="+*a.Value)
		}
		sort.Strings(attrs)
		fmt.Fprintf(&b, "  %s\n", strings.Join(attrs, " "))
	}
	groups := must(e.c.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: &poolID}))(e.t)
	for _, g := range groups.Groups {
		fmt.Fprintf(&b, "group %s %v\n", *g.GroupName, g.LastModifiedDate)
	}
	mine := must(e.c.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &poolID, Username: &name}))(e.t)
	fmt.Fprintf(&b, "member of %d groups\n", len(mine.Groups))
	mfa := must(e.c.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &poolID}))(e.t)
	fmt.Fprintf(&b, "mfa %s\n", mfa.MfaConfiguration)
	return b.String()
}

// TestEveryAdminOperationNeedsSignature walks the operation table: each
// SigV4 operation refuses a request without a signature and with each kind
// of wrong one, with AWS's error, and what the request asked for does not
// happen.
func TestEveryAdminOperationNeedsSignature(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	must(e.c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("staff")}))(t)

	// One body naming real things, valid for most operations: were any of
	// them to run, it would act on this pool, client, user and group.
	body := fmt.Sprintf(`{"UserPoolId":%q,"ClientId":%q,"Username":%q,"GroupName":"staff","PoolName":"intruder",`+
		`"ClientName":"intruder","Password":"Intrud3r-Passw0rd!","Permanent":true,"MfaConfiguration":"OFF",`+
		`"AuthFlow":"ADMIN_USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":%q,"PASSWORD":%q},`+
		`"UserAttributes":[{"Name":"email","Value":"intruder@example.com"}],"UserAttributeNames":["email"]}`,
		poolID, clientID, name, name, password)
	before := e.poolState(poolID, name)

	retarget := func(r *http.Request) *http.Request {
		other := "ListUserPools"
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), "."+other) {
			other = "ListUsers"
		}
		r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+other)
		return r
	}
	rebody := func(r *http.Request) *http.Request {
		b := strings.Replace(body, "intruder", "intrudes", 1)
		r.Body, r.ContentLength = io.NopCloser(strings.NewReader(b)), int64(len(b))
		return r
	}
	mangle := func(r *http.Request) *http.Request {
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+e.srv.AccessKeyID)
		return r
	}
	key, secret := e.srv.AccessKeyID, e.srv.SecretAccessKey
	kinds := []struct {
		name string
		s    *signing
		code string
	}{
		{"unsigned", nil, "MissingAuthenticationTokenException"},
		{"wrong secret", &signing{keyID: key, secret: "not-the-secret"}, "InvalidSignatureException"},
		{"unknown key", &signing{keyID: "AKIAUNKNOWN0000000000", secret: secret}, "UnrecognizedClientException"},
		{"body changed after signing", &signing{keyID: key, secret: secret, after: rebody}, "InvalidSignatureException"},
		{"signed for another operation", &signing{keyID: key, secret: secret, after: retarget}, "InvalidSignatureException"},
		{"signed for another service", &signing{keyID: key, secret: secret, service: "s3"}, "InvalidSignatureException"},
		{"signed 20 minutes ago", &signing{keyID: key, secret: secret, at: time.Now().Add(-20 * time.Minute)}, "InvalidSignatureException"},
		{"malformed Authorization", &signing{keyID: key, secret: secret, after: mangle}, "IncompleteSignatureException"},
	}
	ops := httpapi.Operations()
	var signed []string
	for op, needsSig := range ops {
		if needsSig {
			signed = append(signed, op)
		}
	}
	sort.Strings(signed)
	for op, needsSig := range ops {
		if !needsSig && !slices.Contains(cognitoUnsigned, op) {
			t.Errorf("%s is served unsigned, but Cognito requires a signature for it", op)
		}
	}
	// The table really is walked: these must be among the signed ones.
	for _, op := range []string{"AdminInitiateAuth", "AdminRespondToAuthChallenge", "ListUsers", "CreateUserPool", "DeleteUserPool",
		"AdminSetUserPassword", "AdminSetUserMFAPreference", "UpdateUserPoolClient", "AdminDisableUser"} {
		if !slices.Contains(signed, op) {
			t.Fatalf("%s is not a signed operation in the table", op)
		}
	}
	for _, op := range signed {
		for _, k := range kinds {
			a := e.post(op, body, k.s)
			if a.status != 400 || a.code() != k.code || a.errType != k.code {
				t.Errorf("%s %s: %d %s (header %q) %v; want 400 %s", op, k.name, a.status, a.code(), a.errType, a.body["message"], k.code)
			}
			if _, ok := a.body["AuthenticationResult"]; ok {
				t.Errorf("%s %s: tokens in a refusal", op, k.name)
			}
		}
	}
	if after := e.poolState(poolID, name); after != before {
		t.Fatalf("refused calls changed the pool:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// The user's password is the old one still.
	must(e.passwordAuth(clientID, name, password))(t)

	// The body is live: signed properly, the same request acts.
	for _, op := range []string{"AdminDisableUser", "AdminAddUserToGroup"} {
		if a := e.post(op, body, &signing{keyID: key, secret: secret}); a.status != 200 {
			t.Fatalf("properly signed %s: %d %v", op, a.status, a.body)
		}
	}
	if after := e.poolState(poolID, name); after == before {
		t.Fatal("properly signed calls changed nothing: the state check cannot see a change")
	}
}

// TestPublicOperationsAcceptSignatures: the operations Cognito serves
// unsigned answer the same whether a request carries no signature, a valid
// one, or one by keys the server does not know (older botocore, and the
// Debian AWS CLI, sign the TOTP, device and sign-out calls).
func TestPublicOperationsAcceptSignatures(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	var public []string
	for op, needsSig := range httpapi.Operations() {
		if !needsSig {
			public = append(public, op)
		}
	}
	sort.Strings(public)
	for _, op := range []string{"SignUp", "InitiateAuth", "RespondToAuthChallenge", "AssociateSoftwareToken", "VerifySoftwareToken",
		"GetUser", "GlobalSignOut", "RevokeToken", "ConfirmDevice", "ListDevices", "SetUserMFAPreference"} {
		if !slices.Contains(public, op) {
			t.Fatalf("%s is not a public operation in the table", op)
		}
	}
	// A body that fails the same way with or without a signature: the
	// answer must not depend on the signature at all.
	body := fmt.Sprintf(`{"ClientId":%q}`, clientID)
	for _, op := range public {
		unsigned := e.post(op, body, nil)
		valid := e.post(op, body, &signing{keyID: e.srv.AccessKeyID, secret: e.srv.SecretAccessKey})
		dummy := e.post(op, body, &signing{keyID: "AKIDUMMYDUMMYDUMMY", secret: "dummy"})
		for _, a := range []rawAnswer{unsigned, valid, dummy} {
			if slices.Contains(signatureErrors, a.code()) {
				t.Errorf("%s: a public operation checked a signature: %s %v", op, a.code(), a.body["message"])
			}
		}
		if valid.status != unsigned.status || valid.code() != unsigned.code() || dummy.status != unsigned.status || dummy.code() != unsigned.code() {
			t.Errorf("%s: unsigned %d %s, signed %d %s, dummy-signed %d %s", op, unsigned.status, unsigned.code(),
				valid.status, valid.code(), dummy.status, dummy.code())
		}
	}

	// The whole TOTP walkthrough, every call signed as older botocore signs
	// them, by valid keys and by dummy ones.
	for _, creds := range []aws.CredentialsProvider{
		credentials.NewStaticCredentialsProvider(e.srv.AccessKeyID, e.srv.SecretAccessKey, ""),
		credentials.NewStaticCredentialsProvider("AKIDUMMYDUMMYDUMMY", "dummy", ""),
	} {
		c := cip.New(cip.Options{Region: e.srv.Region, BaseEndpoint: aws.String(e.srv.URL), Credentials: creds,
			RetryMaxAttempts: 1, AuthSchemeResolver: signEverything{}})
		name := fmt.Sprintf("signer%d", userSeq.Add(1))
		must(c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: &name, Password: aws.String(password),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}}}))(t)
		must(c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: &name, ConfirmationCode: aws.String(e.code(poolID, name))}))(t)
		start := must(c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}}))(t)
		if start.ChallengeName != types.ChallengeNameTypeMfaSetup {
			t.Fatalf("want MFA_SETUP, got %q", start.ChallengeName)
		}
		assoc := must(c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: start.Session}))(t)
		ver := must(c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: aws.String(e.totpCode(*assoc.SecretCode, 0))}))(t)
		done := must(c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeMfaSetup,
			Session: ver.Session, ChallengeResponses: map[string]string{"USERNAME": name}}))(t)
		tok := done.AuthenticationResult
		must(c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken}))(t)
		must(c.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: tok.AccessToken,
			SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}))(t)
		must(c.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: tok.AccessToken}))(t)
		e.nextStep()
		again := must(c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}}))(t)
		second := must(c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
			Session: again.Session, ChallengeResponses: map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(*assoc.SecretCode, 0)}}))(t).AuthenticationResult
		e.nextStep()
		must(c.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: second.RefreshToken}))(t)
		_, err := c.GetUser(ctx, &cip.GetUserInput{AccessToken: second.AccessToken})
		wantErr(t, err, "NotAuthorizedException", "")
		must(c.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: tok.AccessToken}))(t)
		_, err = c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken})
		wantErr(t, err, "NotAuthorizedException", "")
		// And the signature was really sent: the same client is refused an
		// admin call when its keys are the dummy ones.
		_, err = c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(1)})
		if v, _ := creds.Retrieve(ctx); v.AccessKeyID == e.srv.AccessKeyID {
			if err != nil {
				t.Fatalf("valid keys refused: %v", err)
			}
		} else {
			wantErr(t, err, "UnrecognizedClientException", "")
		}
	}
}

// signEverything makes the SDK sign every operation with SigV4, as
// botocore did before the unsigned operations were marked in its model.
type signEverything struct{}

func (signEverything) ResolveAuthSchemes(_ context.Context, p *cip.AuthResolverParameters) ([]*smithyauth.Option, error) {
	var props smithyauth.Option
	props.SchemeID = smithyauth.SchemeIDSigV4
	smithyhttp.SetSigV4SigningName(&props.SignerProperties, "cognito-idp")
	smithyhttp.SetSigV4SigningRegion(&props.SignerProperties, p.Region)
	return []*smithyauth.Option{&props}, nil
}
