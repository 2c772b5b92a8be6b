package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// The apps of e2e/browser/passkeys.test.mjs:
//
//   - passkey: a pool whose first factors are the password, an email code,
//     a text-message code and passkeys, for relying party "localhost"; its
//     client allows USER_AUTH, and its relying party sends the browser to
//     the pages at http://localhost:PORT (the same server), since a
//     passkey needs a domain name as its relying party id and a secure
//     context, which http://localhost is. Users: pia and quinn.
//   - codes: a pool requiring MFA by text message or email. Users: sam
//     (a phone number: SMS_MFA), eve (an email address: EMAIL_OTP) and max
//     (both: SELECT_MFA_TYPE).

// passwordlessPassword is the password of the users made here.
const passwordlessPassword = "Corr3ct-Horse!"

func (h *harness) passwordless(ctx context.Context, base, rpURL string, apps map[string]appInfo) error {
	smsCaller := &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sns-caller")}
	pk, err := h.admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("browser-passkey"), SmsConfiguration: smsCaller,
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{
			types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp, types.AuthFactorTypeSmsOtp, types.AuthFactorTypeWebAuthn}}}})
	if err != nil {
		return err
	}
	pkPool := *pk.UserPool.Id
	if _, err := h.admin.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &pkPool,
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost"), UserVerification: types.UserVerificationTypePreferred}}); err != nil {
		return err
	}
	localhost := strings.Replace(base, "127.0.0.1", "localhost", 1)
	if err := h.oauthApp(ctx, base, rpURL, "passkey", pkPool, localhost, apps, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	}); err != nil {
		return err
	}
	if err := h.passwordlessUser(ctx, pkPool, "pia", "email", "pia@example.com", "phone_number", "+15555550100"); err != nil {
		return err
	}
	if err := h.passwordlessUser(ctx, pkPool, "quinn", "email", "quinn@example.com"); err != nil {
		return err
	}

	codes, err := h.admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("browser-codes"), SmsConfiguration: smsCaller})
	if err != nil {
		return err
	}
	codesPool := *codes.UserPool.Id
	if _, err := h.admin.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &codesPool, MfaConfiguration: types.UserPoolMfaTypeOn,
		SmsMfaConfiguration:   &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Your sign-in code: {####}"), SmsConfiguration: smsCaller},
		EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("Your sign-in code: {####}"), Subject: aws.String("Sign-in code")}}); err != nil {
		return err
	}
	if err := h.oauthApp(ctx, base, rpURL, "codes", codesPool, "", apps, nil); err != nil {
		return err
	}
	for _, u := range [][]string{
		{"sam", "phone_number", "+15555550101"},
		{"eve", "email", "eve@example.com"},
		{"max", "email", "max@example.com", "phone_number", "+15555550102"},
	} {
		if err := h.passwordlessUser(ctx, codesPool, u[0], u[1:]...); err != nil {
			return err
		}
	}
	return nil
}

// oauthApp adds an app: a code-flow client of the pool and its relying
// party, which sends browsers to the authorization endpoint at authBase
// when that is not "" (the token endpoint stays the discovered one).
func (h *harness) oauthApp(ctx context.Context, base, rpURL, name, poolID, authBase string, apps map[string]appInfo, edit func(*cip.CreateUserPoolClientInput)) error {
	in := &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("Browser test app"),
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, SupportedIdentityProviders: []string{"COGNITO"},
		CallbackURLs: []string{rpURL + "/callback/" + name}, LogoutURLs: []string{rpURL + "/bye"}}
	if edit != nil {
		edit(in)
	}
	client, err := h.admin.CreateUserPoolClient(ctx, in)
	if err != nil {
		return err
	}
	clientID := *client.UserPoolClient.ClientId
	provider, err := oidc.NewProvider(ctx, base+"/"+poolID)
	if err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	endpoint := provider.Endpoint()
	if authBase != "" {
		endpoint.AuthURL = strings.Replace(endpoint.AuthURL, base, authBase, 1)
	}
	h.rps[name] = &rp{name: name, provider: provider, conf: &oauth2.Config{ClientID: clientID, Endpoint: endpoint,
		RedirectURL: rpURL + "/callback/" + name, Scopes: []string{oidc.ScopeOpenID, "email"}}}
	apps[name] = appInfo{PoolID: poolID, ClientID: clientID}
	return nil
}

// passwordlessUser makes a confirmed user with the password and the
// attributes given as name, value pairs (not verified: a right code
// verifies them).
func (h *harness) passwordlessUser(ctx context.Context, poolID, name string, attrs ...string) error {
	var ua []types.AttributeType
	for i := 0; i+1 < len(attrs); i += 2 {
		ua = append(ua, types.AttributeType{Name: aws.String(attrs[i]), Value: aws.String(attrs[i+1])})
	}
	if _, err := h.admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &name, UserAttributes: ua,
		MessageAction: types.MessageActionTypeSuppress}); err != nil {
		return err
	}
	_, err := h.admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name,
		Password: aws.String(passwordlessPassword), Permanent: true})
	return err
}
