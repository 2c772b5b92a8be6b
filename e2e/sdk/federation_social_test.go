package sdk_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// This file signs in through the social provider types on the hosted
// pages, each against an upstream on loopback that speaks its protocol:
// Google is zitadel/oidc's OP; Facebook and Login with Amazon are small
// strict OAuth 2.0 servers below (no Go module serves their protocol);
// Sign in with Apple is a small OIDC server below, because its token
// endpoint must check the client secret JWT Cognate signs with the .p8 key,
// which zitadel's OP cannot.

// socialFederation makes an app client of down's pool offering the
// providers named, for the federation helpers to walk sign-ins.
func socialFederation(t *testing.T, down *env, poolID string, providers ...string) *federation {
	t.Helper()
	app := must(down.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		GenerateSecret: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{fedCallback},
		SupportedIdentityProviders: providers}))(t).UserPoolClient
	return &federation{down: down, downPool: poolID, app: *app.ClientId, appSecret: *app.ClientSecret}
}

func createProvider(t *testing.T, e *env, poolID, name string, typ types.IdentityProviderTypeType, details, mapping map[string]string) {
	t.Helper()
	must(e.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: &name,
		ProviderType: typ, ProviderDetails: details, AttributeMapping: mapping}))(t)
}

// attrs are a user's attributes by name.
func attrs(t *testing.T, e *env, poolID, username string) map[string]string {
	t.Helper()
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &username}))(t)
	out := map[string]string{"status": string(u.UserStatus)}
	for _, a := range u.UserAttributes {
		out[*a.Name] = *a.Value
	}
	return out
}

// oauthUpstream is a plain OAuth 2.0 provider with a user-info endpoint,
// as Facebook and Login with Amazon are: one registered client, codes
// good once for the redirect URI they were issued for, one access token.
type oauthUpstream struct {
	srv                        *httptest.Server
	clientID, secret, redirect string
	tokenMethod                string         // GET (Facebook) or POST (Amazon)
	profile                    map[string]any // the user-info answer
	fieldsParam                bool           // user-info answers only the fields asked (Facebook's ?fields=)

	mu       sync.Mutex
	codes    map[string]bool // issued and unused
	access   string
	infoDown bool
	asked    string // the fields user-info was last asked
}

func newOAuthUpstream(t *testing.T, down *env, authorizePath, tokenPath, infoPath, tokenMethod string, profile map[string]any) *oauthUpstream {
	u := &oauthUpstream{clientID: "social-client", secret: "social-secret", redirect: down.srv.URL + "/oauth2/idpresponse",
		tokenMethod: tokenMethod, profile: profile, codes: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+authorizePath, u.authorize)
	mux.HandleFunc(tokenMethod+" "+tokenPath, u.token)
	mux.HandleFunc("GET "+infoPath, u.info)
	u.srv = httptest.NewServer(mux)
	t.Cleanup(u.srv.Close)
	return u
}

func (u *oauthUpstream) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != u.clientID || q.Get("redirect_uri") != u.redirect || q.Get("response_type") != "code" || q.Get("state") == "" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	u.mu.Lock()
	code := fmt.Sprintf("code-%d", len(u.codes)+1)
	u.codes[code] = true
	u.mu.Unlock()
	http.Redirect(w, r, u.redirect+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
}

func (u *oauthUpstream) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	p := r.Form
	w.Header().Set("Content-Type", "application/json")
	u.mu.Lock()
	defer u.mu.Unlock()
	if p.Get("client_id") != u.clientID || p.Get("client_secret") != u.secret {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": "Error validating client secret.", "type": "OAuthException"}})
		return
	}
	if !u.codes[p.Get("code")] || p.Get("redirect_uri") != u.redirect {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant"})
		return
	}
	u.codes[p.Get("code")] = false
	u.access = "access-" + p.Get("code")
	json.NewEncoder(w).Encode(map[string]any{"access_token": u.access, "token_type": "bearer", "expires_in": 3600})
}

func (u *oauthUpstream) info(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.infoDown {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	if u.access == "" || r.Header.Get("Authorization") != "Bearer "+u.access {
		http.Error(w, `{"error":"invalid_token"}`, http.StatusUnauthorized)
		return
	}
	out := u.profile
	if u.fieldsParam {
		u.asked = r.URL.Query().Get("fields")
		out = map[string]any{}
		for _, f := range strings.Split(u.asked, ",") {
			if v, ok := u.profile[f]; ok {
				out[f] = v
			}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// signInOAuth walks a sign-in by identity_provider through an upstream
// that asks nothing of the user, and returns the app's ID token claims.
func (f *federation) signInOAuth(t *testing.T, a *fedAgent, provider string) map[string]any {
	t.Helper()
	final, resp, body := a.follow(f.authorizeURL(url.Values{"identity_provider": {provider}}), fedCallback)
	if !strings.HasPrefix(final, fedCallback) {
		t.Fatalf("sign-in through %s answered %d at %s:\n%s", provider, resp.StatusCode, final, body)
	}
	return f.redeem(t, final)
}

// Facebook: the Graph API's dialog, token endpoint (GET, the secret in the
// query) and /me?fields= with the fields the mapping reads; the user is
// Facebook_<id> with the mapped attributes. Then the refusals: a state
// not ours, a wrong client secret, user-info down.
func TestFederatedFacebook(t *testing.T) {
	down := newEnv(t)
	fb := newOAuthUpstream(t, down, "/v19.0/dialog/oauth", "/v19.0/oauth/access_token", "/v19.0/me", http.MethodGet,
		map[string]any{"id": "10158000000001", "email": "jane@example.com", "name": "Jane Doe", "first_name": "Jane", "birthday": "01/01/1990"})
	fb.fieldsParam = true
	poolID, _ := down.pool(types.UserPoolMfaTypeOff)
	details := map[string]string{"client_id": fb.clientID, "client_secret": fb.secret, "authorize_scopes": "public_profile,email", "api_version": "v19.0",
		"authorize_url": fb.srv.URL + "/v19.0/dialog/oauth", "token_url": fb.srv.URL + "/v19.0/oauth/access_token",
		"attributes_url": fb.srv.URL + "/v19.0/me?fields="}
	createProvider(t, down, poolID, "Facebook", types.IdentityProviderTypeTypeFacebook, details,
		map[string]string{"email": "email", "name": "name", "given_name": "first_name"})
	got := must(down.c.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Facebook")}))(t).IdentityProvider
	if got.ProviderDetails["token_request_method"] != "GET" || got.ProviderDetails["attributes_url_add_attributes"] != "true" || got.AttributeMapping["username"] != "id" {
		t.Fatalf("described %+v", got)
	}
	f := socialFederation(t, down, poolID, "Facebook")

	claims := f.signInOAuth(t, newFedAgent(t), "Facebook")
	if claims["cognito:username"] != "Facebook_10158000000001" || claims["email"] != "jane@example.com" {
		t.Fatalf("claims %v", claims)
	}
	if fb.asked != "email,first_name,id,name" {
		t.Fatalf("user-info asked for fields %q", fb.asked)
	}
	at := attrs(t, down, poolID, "Facebook_10158000000001")
	if at["status"] != "EXTERNAL_PROVIDER" || at["name"] != "Jane Doe" || at["given_name"] != "Jane" || !strings.Contains(at["identities"], `"providerType":"Facebook"`) {
		t.Fatalf("user %v", at)
	}

	// A state not ours, in the browser that started the sign-in.
	a := newFedAgent(t)
	resp, _ := a.get(f.authorizeURL(url.Values{"identity_provider": {"Facebook"}}))
	resp, _ = a.get(resp.Header.Get("Location"))
	back, _ := url.Parse(resp.Header.Get("Location"))
	q := back.Query()
	q.Set("state", q.Get("state")[1:])
	pageAt(t, a, down.srv.URL+"/oauth2/idpresponse?"+q.Encode(), http.StatusBadRequest, "without a state this service issued")
	// The genuine answer then goes through; replayed, the code is refused
	// (its flow's cookie is gone).
	final, _, _ := a.follow(back.String(), fedCallback)
	f.redeem(t, final)
	pageAt(t, a, back.String(), http.StatusBadRequest, "was not started in this browser")

	// The provider refusing the client secret: a clear page, no 500.
	bad := withDetail(details, "client_secret", "wrong-secret")
	must(down.c.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Facebook"), ProviderDetails: bad}))(t)
	pageAt(t, newFedAgent(t), f.authorizeURL(url.Values{"identity_provider": {"Facebook"}}), http.StatusBadGateway, "did not accept this sign-in")

	// User-info down: the provider cannot be reached.
	must(down.c.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Facebook"), ProviderDetails: details}))(t)
	fb.mu.Lock()
	fb.infoDown = true
	fb.mu.Unlock()
	pageAt(t, newFedAgent(t), f.authorizeURL(url.Values{"identity_provider": {"Facebook"}}), http.StatusBadGateway, "cannot be reached")
}

// withDetail is a copy of m with k set to v.
func withDetail(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for key, val := range m {
		if key != k {
			out[key] = val
		}
	}
	return out
}

// Login with Amazon: authorize at /ap/oa, the token endpoint by POST,
// /user/profile with the access token; the user is
// LoginWithAmazon_<user_id>.
func TestFederatedLoginWithAmazon(t *testing.T) {
	down := newEnv(t)
	amz := newOAuthUpstream(t, down, "/ap/oa", "/auth/o2/token", "/user/profile", http.MethodPost,
		map[string]any{"user_id": "amzn1.account.AGZ7EXAMPLE", "email": "sam@example.com", "name": "Sam Smith", "postal_code": "98101"})
	poolID, _ := down.pool(types.UserPoolMfaTypeOff)
	createProvider(t, down, poolID, "LoginWithAmazon", types.IdentityProviderTypeTypeLoginWithAmazon,
		map[string]string{"client_id": amz.clientID, "client_secret": amz.secret, "authorize_scopes": "profile postal_code",
			"authorize_url": amz.srv.URL + "/ap/oa", "token_url": amz.srv.URL + "/auth/o2/token", "attributes_url": amz.srv.URL + "/user/profile"},
		map[string]string{"email": "email", "name": "name"})
	f := socialFederation(t, down, poolID, "LoginWithAmazon")
	claims := f.signInOAuth(t, newFedAgent(t), "LoginWithAmazon")
	if claims["cognito:username"] != "LoginWithAmazon_amzn1.account.AGZ7EXAMPLE" || claims["email"] != "sam@example.com" {
		t.Fatalf("claims %v", claims)
	}
	groups, _ := claims["cognito:groups"].([]any)
	if !slices.Contains(groups, any(poolID+"_LoginWithAmazon")) {
		t.Fatalf("groups %v", claims["cognito:groups"])
	}
	if at := attrs(t, down, poolID, "LoginWithAmazon_amzn1.account.AGZ7EXAMPLE"); at["name"] != "Sam Smith" {
		t.Fatalf("user %v", at)
	}
}

// Two sign-ins started in two tabs of one browser, then finished in the
// order they were started: each keeps its own binding cookie, so both
// complete, each with its own code.
func TestFederatedTwoTabs(t *testing.T) {
	down := newEnv(t)
	amz := newOAuthUpstream(t, down, "/ap/oa", "/auth/o2/token", "/user/profile", http.MethodPost, map[string]any{"user_id": "amzn1.account.TABS"})
	poolID, _ := down.pool(types.UserPoolMfaTypeOff)
	createProvider(t, down, poolID, "LoginWithAmazon", types.IdentityProviderTypeTypeLoginWithAmazon,
		map[string]string{"client_id": amz.clientID, "client_secret": amz.secret, "authorize_scopes": "profile",
			"authorize_url": amz.srv.URL + "/ap/oa", "token_url": amz.srv.URL + "/auth/o2/token", "attributes_url": amz.srv.URL + "/user/profile"}, nil)
	f := socialFederation(t, down, poolID, "LoginWithAmazon")
	a := newFedAgent(t)
	var toProvider []string
	for range 2 {
		resp, body := a.get(f.authorizeURL(url.Values{"identity_provider": {"LoginWithAmazon"}}))
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), amz.srv.URL) {
			t.Fatalf("authorize answered %d:\n%s", resp.StatusCode, body)
		}
		toProvider = append(toProvider, resp.Header.Get("Location"))
	}
	var codes []string
	for _, u := range toProvider {
		final, resp, body := a.follow(u, fedCallback)
		if !strings.HasPrefix(final, fedCallback) {
			t.Fatalf("a tab answered %d at %s:\n%s", resp.StatusCode, final, body)
		}
		claims := f.redeem(t, final)
		if claims["cognito:username"] != "LoginWithAmazon_amzn1.account.TABS" {
			t.Fatalf("claims %v", claims)
		}
		codes = append(codes, final)
	}
	if codes[0] == codes[1] {
		t.Fatal("both tabs got the same code")
	}
}

// appleUpstream is Sign in with Apple's side on loopback: the authorize
// endpoint answers with a form to POST (form_post), the token endpoint
// checks the client secret JWT against the public half of the .p8 key and
// its claims, and the ID token is signed with a key served at /auth/keys.
type appleUpstream struct {
	srv                     *httptest.Server
	clientID, teamID, keyID string
	redirect                string
	appKey                  *ecdsa.PublicKey // the developer's key, whose private half Cognate holds
	signer                  jose.Signer
	jwks                    jose.JSONWebKeySet

	mu    sync.Mutex
	codes map[string]string // unused code: the nonce it was issued with
}

func newAppleUpstream(t *testing.T, down *env, appKey *ecdsa.PublicKey) *appleUpstream {
	idKey := must(rsa.GenerateKey(rand.Reader, 2048))(t)
	u := &appleUpstream{clientID: "com.example.web", teamID: "TEAM123456", keyID: "KEY1234567", redirect: down.srv.URL + "/oauth2/idpresponse",
		appKey: appKey, codes: map[string]string{},
		jwks: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &idKey.PublicKey, KeyID: "apple-1", Algorithm: "RS256", Use: "sig"}}}}
	u.signer = must(jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: idKey}, (&jose.SignerOptions{}).WithHeader("kid", "apple-1")))(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /auth/authorize", u.authorize)
	mux.HandleFunc("POST /auth/token", u.token)
	mux.HandleFunc("GET /auth/keys", func(w http.ResponseWriter, r *http.Request) { json.NewEncoder(w).Encode(u.jwks) })
	u.srv = httptest.NewServer(mux)
	t.Cleanup(u.srv.Close)
	return u
}

func (u *appleUpstream) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != u.clientID || q.Get("redirect_uri") != u.redirect || q.Get("response_type") != "code" ||
		q.Get("response_mode") != "form_post" || q.Get("nonce") == "" || q.Get("state") == "" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	u.mu.Lock()
	code := fmt.Sprintf("apple-code-%d", len(u.codes)+1)
	u.codes[code] = q.Get("nonce")
	u.mu.Unlock()
	user := `{"name":{"firstName":"Jane","lastName":"Appleseed"},"email":"jane@privaterelay.appleid.com"}`
	fmt.Fprintf(w, `<form method="post" action="%s"><input type="hidden" name="state" value="%s"><input type="hidden" name="code" value="%s"><input type="hidden" name="user" value="%s"></form>`,
		html.EscapeString(u.redirect), html.EscapeString(q.Get("state")), code, html.EscapeString(user))
}

// token checks the client secret as Apple does: ES256 signed by the key
// named kid, iss the team, sub the client, aud Apple (the issuer), a
// short validity; then the code (once, for its redirect URI).
func (u *appleUpstream) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	refuse := func(e string) {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": e})
	}
	tok, err := jwt.ParseSigned(r.PostForm.Get("client_secret"), []jose.SignatureAlgorithm{jose.ES256})
	var c jwt.Claims
	if err != nil || tok.Headers[0].KeyID != u.keyID || tok.Claims(u.appKey, &c) != nil || r.PostForm.Get("client_id") != u.clientID {
		refuse("invalid_client")
		return
	}
	now := time.Now()
	if c.Issuer != u.teamID || c.Subject != u.clientID || !c.Audience.Contains(u.srv.URL) || c.IssuedAt == nil ||
		c.ValidateWithLeeway(jwt.Expected{Time: now}, time.Minute) != nil || c.Expiry.Time().After(now.Add(180*24*time.Hour)) {
		refuse("invalid_client")
		return
	}
	u.mu.Lock()
	nonce, ok := u.codes[r.PostForm.Get("code")]
	delete(u.codes, r.PostForm.Get("code"))
	u.mu.Unlock()
	if !ok || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != u.redirect {
		refuse("invalid_grant")
		return
	}
	id, _ := jwt.Signed(u.signer).Claims(map[string]any{"iss": u.srv.URL, "aud": u.clientID, "sub": "001234.abcdef0123456789.0042",
		"iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "nonce": nonce, "email": "jane@privaterelay.appleid.com",
		"email_verified": "true", "is_private_email": "true"}).Serialize()
	json.NewEncoder(w).Encode(map[string]any{"access_token": "apple-access", "token_type": "Bearer", "expires_in": 3600, "id_token": id})
}

// pkcs8PEM is key as a .p8 file holds it.
func pkcs8PEM(t *testing.T, key any) string {
	der := must(x509.MarshalPKCS8PrivateKey(key))(t)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

var formField = regexp.MustCompile(`name="(\w+)" value="([^"]*)"`)

// Sign in with Apple: Cognate signs the client secret JWT with the .p8
// key, Apple answers with a POSTed form (the name given once), and the ID
// token is verified against Apple's keys; the user is
// SignInWithApple_<sub>. The key is never given back, and only an EC
// P-256 key is taken; a key Apple does not know is refused there.
func TestFederatedSignInWithApple(t *testing.T) {
	down := newEnv(t)
	appKey := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))(t)
	apple := newAppleUpstream(t, down, &appKey.PublicKey)
	poolID, _ := down.pool(types.UserPoolMfaTypeOff)
	details := map[string]string{"client_id": apple.clientID, "team_id": apple.teamID, "key_id": apple.keyID, "private_key": pkcs8PEM(t, appKey),
		"authorize_scopes": "email name", "oidc_issuer": apple.srv.URL, "authorize_url": apple.srv.URL + "/auth/authorize",
		"token_url": apple.srv.URL + "/auth/token", "jwks_uri": apple.srv.URL + "/auth/keys"}

	// Keys Apple does not issue are refused with Cognito's error.
	rsaKey := must(rsa.GenerateKey(rand.Reader, 2048))(t)
	p384 := must(ecdsa.GenerateKey(elliptic.P384(), rand.Reader))(t)
	for _, k := range []string{pkcs8PEM(t, rsaKey), pkcs8PEM(t, p384), "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"} {
		_, err := down.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("SignInWithApple"),
			ProviderType: types.IdentityProviderTypeTypeSignInWithApple, ProviderDetails: withDetail(details, "private_key", k)})
		wantErr(t, err, "InvalidParameterException", "private_key")
	}

	createProvider(t, down, poolID, "SignInWithApple", types.IdentityProviderTypeTypeSignInWithApple, details,
		map[string]string{"email": "email", "email_verified": "email_verified", "given_name": "firstName", "name": "name"})
	got := must(down.c.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("SignInWithApple")}))(t).IdentityProvider
	if _, ok := got.ProviderDetails["private_key"]; ok || got.ProviderDetails["team_id"] != apple.teamID {
		t.Fatalf("described %+v", got.ProviderDetails)
	}
	f := socialFederation(t, down, poolID, "SignInWithApple")

	// walk goes to Apple and returns its form, to be POSTed back.
	walk := func(a *fedAgent) (string, url.Values) {
		page, resp, body := a.follow(f.authorizeURL(url.Values{"identity_provider": {"SignInWithApple"}}), fedCallback)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(page, apple.srv.URL+"/auth/authorize") {
			t.Fatalf("expected Apple's form, got %d at %s:\n%s", resp.StatusCode, page, body)
		}
		form := url.Values{}
		for _, m := range formField.FindAllStringSubmatch(body, -1) {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
		return down.srv.URL + "/oauth2/idpresponse", form
	}
	a := newFedAgent(t)
	to, form := walk(a)
	resp, body := a.post(to, form)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("form_post answered %d:\n%s", resp.StatusCode, body)
	}
	claims := f.redeem(t, resp.Header.Get("Location"))
	username := "SignInWithApple_001234.abcdef0123456789.0042"
	if claims["cognito:username"] != username || claims["email"] != "jane@privaterelay.appleid.com" {
		t.Fatalf("claims %v", claims)
	}
	at := attrs(t, down, poolID, username)
	if at["given_name"] != "Jane" || at["name"] != "Jane Appleseed" || at["email_verified"] != "true" {
		t.Fatalf("user %v", at)
	}

	// A POSTed answer whose state was changed is refused like a GET one.
	a = newFedAgent(t)
	to, form = walk(a)
	form.Set("state", form.Get("state")+"x")
	resp, body = a.post(to, form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "without a state this service issued") {
		t.Fatalf("forged state answered %d:\n%s", resp.StatusCode, body)
	}

	// A .p8 key Apple does not know (another P-256 key): Apple refuses the
	// client secret, the user gets a clear page.
	other := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))(t)
	must(down.c.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("SignInWithApple"),
		ProviderDetails: withDetail(details, "private_key", pkcs8PEM(t, other))}))(t)
	a = newFedAgent(t)
	to, form = walk(a)
	resp, body = a.post(to, form)
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "did not accept this sign-in") {
		t.Fatalf("unknown key answered %d:\n%s", resp.StatusCode, body)
	}
}

// Google is OpenID Connect: zitadel's OP plays it, with every endpoint
// overridden to loopback; the user is Google_<sub>, the email read from
// its userInfo.
func TestFederatedGoogle(t *testing.T) {
	down := newEnv(t)
	issuer, clientID := startZitadel(t, down)
	poolID, _ := down.pool(types.UserPoolMfaTypeOff)
	createProvider(t, down, poolID, "Google", types.IdentityProviderTypeTypeGoogle,
		map[string]string{"client_id": clientID, "client_secret": zitadelSecret, "authorize_scopes": "openid email profile",
			"oidc_issuer": issuer, "authorize_url": issuer + "/auth", "token_url": issuer + "/oauth/token",
			"attributes_url": issuer + "/userinfo", "jwks_uri": issuer + "/keys"},
		map[string]string{"email": "email"})
	f := socialFederation(t, down, poolID, "Google")
	a := newFedAgent(t)
	page, _, body := a.follow(f.authorizeURL(url.Values{"identity_provider": {"Google"}}), fedCallback)
	claims := f.finish(t, a, zitadelLogin(t, a, issuer, page, body))
	if claims["email"] != "test-user@zitadel.ch" || !strings.HasPrefix(claims["cognito:username"].(string), "Google_") {
		t.Fatalf("claims %v", claims)
	}
	ids, _ := claims["identities"].([]any)
	if len(ids) != 1 || ids[0].(map[string]any)["providerType"] != "Google" {
		t.Fatalf("identities %v", claims["identities"])
	}
}
