package triggers_test

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// A federated sign-in on the hosted pages (the provider is a second
// Cognate) runs PreSignUp_ExternalProvider and PostConfirmation_ConfirmSignUp
// when it makes the user, and TokenGeneration_HostedAuth at every sign-in.
func TestFederatedSignInTriggers(t *testing.T) {
	up, down := newEnv(t), newEnv(t)
	upPool, _ := up.pool(nil)
	if _, err := up.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &upPool, Username: aws.String("fed"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{attr("email", "fed@example.com"), attr("email_verified", "true")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := up.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &upPool, Username: aws.String("fed"), Password: aws.String(password), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	upc, err := up.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &upPool, ClientName: aws.String("downstream"),
		GenerateSecret: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{down.srv.URL + "/oauth2/idpresponse"}, SupportedIdentityProviders: []string{"COGNITO"}})
	if err != nil {
		t.Fatal(err)
	}
	downPool, _ := down.pool(&types.LambdaConfigType{PreSignUp: aws.String(fn), PostConfirmation: aws.String(fn), PreTokenGeneration: aws.String(fn)})
	if _, err := down.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &downPool, ProviderName: aws.String("Upper"),
		ProviderType: types.IdentityProviderTypeTypeOidc, AttributeMapping: map[string]string{"email": "email"},
		ProviderDetails: map[string]string{"client_id": *upc.UserPoolClient.ClientId, "client_secret": *upc.UserPoolClient.ClientSecret,
			"authorize_scopes": "openid email", "attributes_request_method": "GET", "oidc_issuer": up.srv.URL + "/" + upPool}}); err != nil {
		t.Fatal(err)
	}
	dc, err := down.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &downPool, ClientName: aws.String("web"),
		GenerateSecret: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{callback}, SupportedIdentityProviders: []string{"Upper"}})
	if err != nil {
		t.Fatal(err)
	}
	emu.Handle(nil)
	start := down.srv.URL + "/oauth2/authorize?" + url.Values{"client_id": {*dc.UserPoolClient.ClientId}, "redirect_uri": {callback},
		"response_type": {"code"}, "scope": {"openid email"}, "identity_provider": {"Upper"}}.Encode()

	walk := func() {
		t.Helper()
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(u string) (*http.Response, string) {
			resp, err := hc.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, string(b)
		}
		u := start
		for i := 0; ; i++ {
			resp, body := get(u)
			if i > 12 {
				t.Fatalf("lost at %s", u)
			}
			if resp.StatusCode == http.StatusOK && strings.Contains(u, "/login?") {
				// The upstream's sign-in page.
				rq := regexp.MustCompile(`name="request" value="([^"]*)"`).FindStringSubmatch(body)
				cs := regexp.MustCompile(`name="_csrf" value="([^"]*)"`).FindStringSubmatch(body)
				if rq == nil || cs == nil {
					t.Fatalf("no form at %s:\n%s", u, body)
				}
				resp, err := hc.PostForm(up.srv.URL+"/login", url.Values{"username": {"fed"}, "password": {password},
					"request": {html.UnescapeString(rq[1])}, "_csrf": {html.UnescapeString(cs[1])}})
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				u = resp.Header.Get("Location")
				continue
			}
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("%d at %s:\n%s", resp.StatusCode, u, body)
			}
			next, _ := resp.Request.URL.Parse(resp.Header.Get("Location"))
			if strings.HasPrefix(next.String(), callback) {
				if next.Query().Get("code") == "" {
					t.Fatalf("callback %s", next)
				}
				return
			}
			u = next.String()
		}
	}

	walk()
	calls := emu.Calls()
	checkLossless(t, calls)
	if got := sources(calls); got != "PreSignUp_ExternalProvider,PostConfirmation_ConfirmSignUp,TokenGeneration_HostedAuth" {
		t.Fatalf("first sign-in ran %s", got)
	}
	var ev events.CognitoEventUserPoolsPreSignup
	if err := calls[0].Event(&ev); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ev.UserName, "Upper_") || ev.Request.UserAttributes["email"] != "fed@example.com" || ev.CallerContext.ClientID != *dc.UserPoolClient.ClientId {
		t.Fatalf("PreSignUp event %+v", ev)
	}
	walk()
	if got := sources(emu.Calls()[len(calls):]); got != "TokenGeneration_HostedAuth" {
		t.Fatalf("second sign-in ran %s", got)
	}
}
