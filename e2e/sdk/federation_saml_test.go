package sdk_test

import (
	"bytes"
	"compress/flate"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/crewjam/saml/samlidp"

	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
)

// logged checks that the server's last SAML refusal logged text, and
// clears the log.
func (f *samlFed) logged(t *testing.T, text string) {
	t.Helper()
	out := f.log.take()
	if !strings.Contains(out, "SAML response refused") || !strings.Contains(out, text) {
		t.Fatalf("the server's log lacks a SAML refusal with %q:\n%s", text, out)
	}
}

// This file signs in through a SAML 2.0 identity provider on the hosted
// pages. The upstream is crewjam/saml's samlidp server (not Cognate's
// code) on loopback, with a user; its metadata is the provider's
// MetadataFile, and Cognate's service provider metadata is registered
// with it. The browser is an HTTP client with a cookie jar that follows
// every redirect and posts every form by hand.

var (
	samlLoginForm = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
	samlHidden    = regexp.MustCompile(`<input type="hidden" name="(SAMLRequest|RelayState|SAMLResponse)" value="([^"]*)" />`)
	samlPostForm  = regexp.MustCompile(`<form method="post" action="([^"]*)" id="SAMLResponseForm">`)
)

const samlUserEmail = "alice@corp.test"

// samlFed is a Cognate pool with the SAML provider "Corp" (a samlidp
// server) and an app client that supports it.
type samlFed struct {
	down                    *env
	clock                   *cognatetest.Clock
	log                     *syncLog // the server's log
	idp                     string   // the IdP's URL
	pool, app, appSecret    string
	native                  string // a native user of pool A, for linking
	poolB, appB, appSecretB string // a second pool with the same IdP
}

// samlTestIdP starts a samlidp server on loopback with the user alice.
func samlTestIdP(t *testing.T) string {
	t.Helper()
	key := must(rsa.GenerateKey(rand.Reader, 2048))(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-idp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der := must(x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key))(t)
	cert := must(x509.ParseCertificate(der))(t)
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	u := must(url.Parse(srv.URL))(t)
	idp := must(samlidp.New(samlidp.Options{URL: *u, Key: key, Certificate: cert, Store: &samlidp.MemoryStore{}}))(t)
	handler = idp
	body, _ := json.Marshal(map[string]any{"password": password, "email": samlUserEmail, "given_name": "Alice", "surname": "Liddell"})
	samlAdmin(t, http.MethodPut, srv.URL+"/users/alice", body)
	return srv.URL
}

func samlAdmin(t *testing.T, method, u string, body []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	resp := must(http.DefaultClient.Do(req))(t)
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s answered %d: %s", method, u, resp.StatusCode, b)
	}
}

func newSAMLFed(t *testing.T, opts ...cognatetest.Option) *samlFed {
	f := &samlFed{clock: &cognatetest.Clock{}}
	f.clock.Set(time.Now())
	f.log = &syncLog{}
	f.down = newEnv(t, append(opts, cognatetest.WithClock(f.clock), cognatetest.WithLogger(slog.New(slog.NewTextHandler(f.log, nil))))...)
	f.idp = samlTestIdP(t)
	resp := must(http.Get(f.idp + "/metadata"))(t)
	md := must(io.ReadAll(resp.Body))(t)
	resp.Body.Close()
	f.pool, f.app, f.appSecret = f.samlPool(t, map[string]string{"MetadataFile": string(md)})
	// Pool B reads the same IdP's metadata from its MetadataURL.
	f.poolB, f.appB, f.appSecretB = f.samlPool(t, map[string]string{"MetadataURL": f.idp + "/metadata"})
	// Both pools are service providers of the IdP, from the metadata
	// Cognate serves.
	for i, app := range []string{f.app, f.appB} {
		resp, body := newFedAgent(t).get(f.down.srv.URL + "/saml2/metadata?client_id=" + app)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "urn:amazon:cognito:sp:") {
			t.Fatalf("SP metadata answered %d:\n%s", resp.StatusCode, body)
		}
		samlAdmin(t, http.MethodPut, f.idp+"/services/cognate"+string(rune('a'+i)), []byte(body))
	}
	return f
}

func (f *samlFed) samlPool(t *testing.T, details map[string]string) (pool, app, secret string) {
	pool, native := f.down.pool(types.UserPoolMfaTypeOff)
	if f.native == "" {
		f.native = f.down.user(pool, native)
	}
	must(f.down.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &pool, ProviderName: aws.String("Corp"),
		ProviderType: types.IdentityProviderTypeTypeSaml, ProviderDetails: details,
		AttributeMapping: map[string]string{"email": "urn:oid:0.9.2342.19200300.100.1.3", "given_name": "urn:oid:2.5.4.42"},
		IdpIdentifiers:   []string{"corp.test"}}))(t)
	c := must(f.down.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: aws.String("web"),
		GenerateSecret: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{fedCallback},
		SupportedIdentityProviders: []string{"COGNITO", "Corp"}}))(t).UserPoolClient
	return pool, *c.ClientId, *c.ClientSecret
}

func (f *samlFed) authorizeURL(app string, extra url.Values) string {
	q := url.Values{"client_id": {app}, "redirect_uri": {fedCallback}, "response_type": {"code"}, "scope": {"openid email"}, "state": {"app-state"}}
	for k, v := range extra {
		q[k] = v
	}
	return f.down.srv.URL + "/oauth2/authorize?" + q.Encode()
}

// toIdP follows start to the IdP's login form, signs in there and returns
// the form the IdP has the browser post to Cognate (its action URL, the
// SAMLResponse and the RelayState).
func (f *samlFed) toIdP(t *testing.T, a *fedAgent, start string) (string, url.Values) {
	t.Helper()
	return f.toIdPWith(t, a, start, nil)
}

// toIdPWith is toIdP with the AuthnRequest's XML changed by rewrite on
// its way to the IdP (which takes unsigned requests).
func (f *samlFed) toIdPWith(t *testing.T, a *fedAgent, start string, rewrite func(string) string) (string, url.Values) {
	t.Helper()
	sso, _, _ := a.follow(start, f.idp+"/sso?")
	// The AuthnRequest, as Cognate sent it, names the pool as Cognito
	// does, and the ACS.
	ru := must(url.Parse(sso))(t)
	raw := must(base64.StdEncoding.DecodeString(ru.Query().Get("SAMLRequest")))(t)
	areq := string(must(io.ReadAll(flate.NewReader(bytes.NewReader(raw))))(t))
	if !strings.Contains(areq, `AssertionConsumerServiceURL="`+f.down.srv.URL+`/saml2/idpresponse"`) ||
		!strings.Contains(areq, ">urn:amazon:cognito:sp:") {
		t.Fatalf("AuthnRequest %s", areq)
	}
	if rewrite != nil {
		q := ru.Query()
		var buf bytes.Buffer
		w := must(flate.NewWriter(&buf, flate.DefaultCompression))(t)
		_, _ = w.Write([]byte(rewrite(areq)))
		must(0, w.Close())(t)
		q.Set("SAMLRequest", base64.StdEncoding.EncodeToString(buf.Bytes()))
		ru.RawQuery = q.Encode()
		sso = ru.String()
	}
	page, resp, body := a.follow(sso, fedCallback)
	if !strings.HasPrefix(page, f.idp+"/sso?") || resp.StatusCode != http.StatusOK {
		t.Fatalf("expected the IdP's login form, got %d at %s:\n%s", resp.StatusCode, page, body)
	}
	pu, _ := url.Parse(page)
	if pu.Query().Get("SAMLRequest") == "" || pu.Query().Get("RelayState") == "" {
		t.Fatalf("no SAMLRequest or RelayState in %s", page)
	}
	m := samlLoginForm.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no login form:\n%s", body)
	}
	form := url.Values{"user": {"alice"}, "password": {password}}
	for _, h := range samlHidden.FindAllStringSubmatch(body, -1) {
		form.Set(h[1], html.UnescapeString(h[2]))
	}
	resp, body = a.post(html.UnescapeString(m[1]), form)
	p := samlPostForm.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || p == nil {
		t.Fatalf("IdP sign-in answered %d:\n%s", resp.StatusCode, body)
	}
	out := url.Values{}
	for _, h := range samlHidden.FindAllStringSubmatch(body, -1) {
		out.Set(h[1], html.UnescapeString(h[2]))
	}
	return html.UnescapeString(p[1]), out
}

// back posts the IdP's answer to Cognate and returns Cognate's answer.
func (f *samlFed) back(t *testing.T, a *fedAgent, acs string, form url.Values) (*http.Response, string) {
	t.Helper()
	return a.post(acs, form)
}

// finish redeems the code of Cognate's redirect to the app and returns
// the ID token's claims, verified from discovery alone.
func (f *samlFed) finish(t *testing.T, pool, app, secret string, resp *http.Response, body string) map[string]any {
	t.Helper()
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), fedCallback) {
		t.Fatalf("Cognate answered %d (%s):\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	fed := &federation{down: f.down, downPool: pool, app: app, appSecret: secret}
	return fed.redeem(t, resp.Header.Get("Location"))
}

// A user of the SAML IdP signs in to the app through identity_provider,
// idp_identifier and the sign-in page's button, becoming the pool's
// EXTERNAL_PROVIDER user Corp_<NameID> with identities, the provider's
// group and the mapped attributes.
func TestFederatedSAMLSignIn(t *testing.T) {
	f := newSAMLFed(t)
	a := newFedAgent(t)
	acs, form := f.toIdP(t, a, f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}))
	if acs != f.down.srv.URL+"/saml2/idpresponse" {
		t.Fatalf("the IdP posts to %s", acs)
	}
	resp, body := f.back(t, a, acs, form)
	claims := f.finish(t, f.pool, f.app, f.appSecret, resp, body)
	want := "Corp_" + samlUserEmail
	if claims["cognito:username"] != want || claims["email"] != samlUserEmail {
		t.Fatalf("claims %v", claims)
	}
	groups, _ := claims["cognito:groups"].([]any)
	if !slices.Contains(groups, any(f.pool+"_Corp")) {
		t.Fatalf("cognito:groups %v", claims["cognito:groups"])
	}
	u := must(f.down.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &f.pool, Username: aws.String(want)}))(t)
	if u.UserStatus != types.UserStatusType("EXTERNAL_PROVIDER") {
		t.Fatalf("status %s", u.UserStatus)
	}
	attrs := map[string]string{}
	for _, at := range u.UserAttributes {
		attrs[*at.Name] = *at.Value
	}
	if attrs["given_name"] != "Alice" || !strings.Contains(attrs["identities"], `"providerType":"SAML"`) ||
		!strings.Contains(attrs["identities"], `"userId":"`+samlUserEmail+`"`) {
		t.Fatalf("attributes %v", attrs)
	}
	sub := claims["sub"]

	// idp_identifier, and the IdP's own session: no second login form
	// is needed, yet the IdP posts a fresh assertion; same user.
	page, resp, body := a.follow(f.authorizeURL(f.app, url.Values{"idp_identifier": {"corp.test"}}), fedCallback)
	p := samlPostForm.FindStringSubmatch(body)
	if !strings.HasPrefix(page, f.idp+"/sso?") || p == nil {
		t.Fatalf("expected the IdP's post form, got %d at %s:\n%s", resp.StatusCode, page, body)
	}
	form2 := url.Values{}
	for _, h := range samlHidden.FindAllStringSubmatch(body, -1) {
		form2.Set(h[1], html.UnescapeString(h[2]))
	}
	resp, body = f.back(t, a, html.UnescapeString(p[1]), form2)
	if c := f.finish(t, f.pool, f.app, f.appSecret, resp, body); c["sub"] != sub {
		t.Fatalf("second sign-in is %v, first %v", c["sub"], sub)
	}

	// Pool B, whose provider has a MetadataURL.
	b := newFedAgent(t)
	acs, form = f.toIdP(t, b, f.authorizeURL(f.appB, url.Values{"identity_provider": {"Corp"}}))
	resp, body = f.back(t, b, acs, form)
	if c := f.finish(t, f.poolB, f.appB, f.appSecretB, resp, body); c["cognito:username"] != want || c["sub"] == sub {
		t.Fatalf("pool B's claims %v", c)
	}

	// No SP metadata without a client of the pool.
	if resp, _ := newFedAgent(t).get(f.down.srv.URL + "/saml2/metadata?client_id=nope"); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("SP metadata of no client answered %d", resp.StatusCode)
	}

	// The sign-in page offers the provider.
	_, _, body = newFedAgent(t).follow(f.authorizeURL(f.app, nil), fedCallback)
	if m := fedButton.FindStringSubmatch(body); m == nil || m[2] != "Corp" {
		t.Fatalf("no Corp button on the sign-in page:\n%s", body)
	}
}

// Bad SAML answers get a clear page, never a 500: an altered assertion, a
// replayed one, one for another pool (wrong audience), an expired one, and
// garbage.
func TestFederatedSAMLRefusals(t *testing.T) {
	f := newSAMLFed(t)
	refused := func(t *testing.T, resp *http.Response, body, text string) {
		t.Helper()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, text) {
			t.Fatalf("answered %d, want 400 with %q:\n%s", resp.StatusCode, text, body)
		}
	}
	const notVerified = "could not be verified"

	t.Run("altered", func(t *testing.T) {
		a := newFedAgent(t)
		acs, form := f.toIdP(t, a, f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}))
		xml := string(must(base64.StdEncoding.DecodeString(form.Get("SAMLResponse")))(t))
		forged := strings.ReplaceAll(xml, samlUserEmail, "admin@corp.test")
		if forged == xml {
			t.Fatal("NameID not found in the response")
		}
		form.Set("SAMLResponse", base64.StdEncoding.EncodeToString([]byte(forged)))
		resp, body := f.back(t, a, acs, form)
		refused(t, resp, body, notVerified)
		f.logged(t, "signature")
		if _, err := f.down.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &f.pool, Username: aws.String("Corp_admin@corp.test")}); err == nil {
			t.Fatal("the forged user was made")
		}
	})

	t.Run("replayed", func(t *testing.T) {
		a := newFedAgent(t)
		acs, form := f.toIdP(t, a, f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}))
		// The flow's binding cookie is cognate_saml_<first 8 of its value>.
		bind := cookieOf(t, a, f.down.srv.URL+"/saml2/idpresponse", "cognate_saml_")
		resp, body := f.back(t, a, acs, form)
		f.finish(t, f.pool, f.app, f.appSecret, resp, body)
		// The same answer again, even with the binding cookie restored.
		u, _ := url.Parse(f.down.srv.URL + "/saml2/idpresponse")
		a.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "cognate_saml_" + bind[:8], Value: bind, Path: "/saml2/idpresponse"}})
		resp, body = f.back(t, a, acs, form)
		refused(t, resp, body, "already used")
	})

	t.Run("wrong audience", func(t *testing.T) {
		// The IdP is asked (in pool A's AuthnRequest) for an assertion
		// for pool B, and posts it to pool A's sign-in.
		a := newFedAgent(t)
		acs, form := f.toIdPWith(t, a, f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}), func(x string) string {
			return strings.Replace(x, "urn:amazon:cognito:sp:"+f.pool, "urn:amazon:cognito:sp:"+f.poolB, 1)
		})
		resp, body := f.back(t, a, acs, form)
		refused(t, resp, body, notVerified)
		f.logged(t, "AudienceRestriction does not contain")
	})

	t.Run("wrong recipient", func(t *testing.T) {
		// The IdP knows a second ACS URL for pool A (not Cognate's) and
		// is asked for it: its Response names that recipient, and is
		// posted to Cognate's.
		const elsewhere = "http://127.0.0.1:9/saml2/idpresponse"
		_, spmd := newFedAgent(t).get(f.down.srv.URL + "/saml2/metadata?client_id=" + f.app)
		two := strings.Replace(spmd, "</SPSSODescriptor>", `<AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="`+
			elsewhere+`" index="2"></AssertionConsumerService></SPSSODescriptor>`, 1)
		samlAdmin(t, http.MethodPut, f.idp+"/services/cognatea", []byte(two))
		defer samlAdmin(t, http.MethodPut, f.idp+"/services/cognatea", []byte(spmd))
		a := newFedAgent(t)
		acs, form := f.toIdPWith(t, a, f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}), func(x string) string {
			return strings.Replace(x, f.down.srv.URL+"/saml2/idpresponse", elsewhere, 1)
		})
		if acs != elsewhere {
			t.Fatalf("the IdP posts to %s", acs)
		}
		resp, body := f.back(t, a, f.down.srv.URL+"/saml2/idpresponse", form)
		refused(t, resp, body, notVerified)
		f.logged(t, elsewhere)
	})

	t.Run("expired", func(t *testing.T) {
		a := newFedAgent(t)
		acs, form := f.toIdP(t, a, f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}))
		// Within the sign-in's 10 minutes, past the assertion's window.
		f.clock.Advance(6 * time.Minute)
		defer f.clock.Set(time.Now())
		resp, body := f.back(t, a, acs, form)
		refused(t, resp, body, notVerified)
		f.logged(t, "expired")
	})

	t.Run("garbage", func(t *testing.T) {
		a := newFedAgent(t)
		acs, form := f.toIdP(t, a, f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}))
		form.Set("SAMLResponse", "not base64 !!")
		resp, body := f.back(t, a, acs, form)
		refused(t, resp, body, notVerified)
		resp, body = f.back(t, a, acs, url.Values{"SAMLResponse": {form.Get("SAMLResponse")}, "RelayState": {"forged"}})
		refused(t, resp, body, "without a state this service issued")
		resp, body = f.back(t, newFedAgent(t), acs, url.Values{})
		refused(t, resp, body, "expects a SAML response")
	})

	t.Run("other browser", func(t *testing.T) {
		a := newFedAgent(t)
		acs, form := f.toIdP(t, a, f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}))
		resp, body := f.back(t, newFedAgent(t), acs, form)
		refused(t, resp, body, "not started in this browser")
	})
}

// cookieOf is the value of the cookie name (or, for a name ending in _,
// of the first cookie whose name starts with it) the browser sends to u.
func cookieOf(t *testing.T, a *fedAgent, u, name string) string {
	t.Helper()
	pu, _ := url.Parse(u)
	for _, c := range a.hc.Jar.Cookies(pu) {
		if c.Name == name || (strings.HasSuffix(name, "_") && strings.HasPrefix(c.Name, name)) {
			return c.Value
		}
	}
	t.Fatalf("no cookie %s for %s", name, u)
	return ""
}

// A native user linked (AdminLinkProviderForUser, Cognito_Subject = the
// NameID) to the SAML identity signs in through the IdP as itself.
func TestFederatedSAMLLinking(t *testing.T) {
	f := newSAMLFed(t)
	pu := func(provider, attr, value string) *types.ProviderUserIdentifierType {
		return &types.ProviderUserIdentifierType{ProviderName: &provider, ProviderAttributeName: &attr, ProviderAttributeValue: &value}
	}
	must(f.down.c.AdminLinkProviderForUser(ctx, &cip.AdminLinkProviderForUserInput{UserPoolId: &f.pool,
		DestinationUser: pu("Cognito", "", f.native), SourceUser: pu("Corp", "Cognito_Subject", samlUserEmail)}))(t)
	native := must(f.down.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &f.pool, Username: &f.native}))(t)
	var sub string
	for _, at := range native.UserAttributes {
		if *at.Name == "sub" {
			sub = *at.Value
		}
	}
	a := newFedAgent(t)
	acs, form := f.toIdP(t, a, f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}))
	resp, body := f.back(t, a, acs, form)
	claims := f.finish(t, f.pool, f.app, f.appSecret, resp, body)
	if claims["cognito:username"] != f.native || claims["sub"] != sub || sub == "" {
		t.Fatalf("linked sign-in claims %v, native sub %s", claims, sub)
	}
	if _, err := f.down.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &f.pool, Username: aws.String("Corp_" + samlUserEmail)}); err == nil {
		t.Fatal("a Corp_ user was made for a linked identity")
	}
}

// Two nodes of one deployment (one PostgreSQL database, one master key,
// one public URL) share the replay cache: an assertion accepted by node A
// is refused by node B, which accepts a fresh one.
func TestFederatedSAMLReplayAcrossNodes(t *testing.T) {
	db := pgtest.NewDatabase(t)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	f := newSAMLFed(t, cognatetest.WithDatabase(db), cognatetest.WithMasterKey(key))
	b := cognatetest.Start(t, cognatetest.WithDatabase(db), cognatetest.WithMasterKey(key), cognatetest.WithClock(f.clock),
		cognatetest.WithPublicURL(f.down.srv.URL))
	acsB := b.URL + "/saml2/idpresponse"

	a := newFedAgent(t)
	_, form := f.toIdP(t, a, f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}))
	bind := cookieOf(t, a, f.down.srv.URL+"/saml2/idpresponse", "cognate_saml_")
	resp, body := f.back(t, a, f.down.srv.URL+"/saml2/idpresponse", form)
	f.finish(t, f.pool, f.app, f.appSecret, resp, body)
	// The same answer at node B, with the binding cookie restored.
	u, _ := url.Parse(acsB)
	a.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "cognate_saml_" + bind[:8], Value: bind, Path: "/saml2/idpresponse"}})
	resp, body = f.back(t, a, acsB, form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "already used") {
		t.Fatalf("node B took a replayed assertion: %d\n%s", resp.StatusCode, body)
	}

	// A fresh answer, started at node A, is taken by node B.
	c := newFedAgent(t)
	_, form = f.toIdP(t, c, f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}))
	resp, body = f.back(t, c, acsB, form)
	if claims := f.finish(t, f.pool, f.app, f.appSecret, resp, body); claims["cognito:username"] != "Corp_"+samlUserEmail {
		t.Fatalf("node B's sign-in claims %v", claims)
	}
}

// samlForm is the form an IdP's page has the browser post to Cognate: its
// action and fields.
func samlForm(t *testing.T, body string) (string, url.Values) {
	t.Helper()
	p := samlPostForm.FindStringSubmatch(body)
	if p == nil {
		t.Fatalf("no SAMLResponse form:\n%s", body)
	}
	form := url.Values{}
	for _, h := range samlHidden.FindAllStringSubmatch(body, -1) {
		form.Set(h[1], html.UnescapeString(h[2]))
	}
	return html.UnescapeString(p[1]), form
}

// idpInitiated signs in at the IdP (its /login) and follows its shortcut,
// an IdP-initiated sign-in to pool A with relay as the RelayState; it
// returns the form the IdP has the browser post to Cognate.
func (f *samlFed) idpInitiated(t *testing.T, a *fedAgent, shortcut, relay string) (string, url.Values) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"service_provider": samlEntityID(f.pool), "relay_state": relay})
	samlAdmin(t, http.MethodPut, f.idp+"/shortcuts/"+shortcut, body)
	if resp, b := a.post(f.idp+"/login", url.Values{"user": {"alice"}, "password": {password}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("IdP login answered %d:\n%s", resp.StatusCode, b)
	}
	_, body2 := a.get(f.idp + "/login/" + shortcut)
	return samlForm(t, body2)
}

func samlEntityID(pool string) string { return "urn:amazon:cognito:sp:" + pool }

// An IdP-initiated sign-in (an unsolicited Response, its RelayState the
// parameters of /oauth2/authorize) is refused until the provider has
// IDPInit, then signs the user in to the client the RelayState names;
// it is refused again when replayed, and when its RelayState names a
// callback the client has not registered.
func TestFederatedSAMLIdPInitiated(t *testing.T) {
	f := newSAMLFed(t)
	relay := url.Values{"client_id": {f.app}, "redirect_uri": {fedCallback}, "response_type": {"code"},
		"scope": {"openid email"}, "identity_provider": {"Corp"}, "state": {"app-state"}}.Encode()
	a := newFedAgent(t)
	acs, form := f.idpInitiated(t, a, "portal", relay)
	if acs != f.down.srv.URL+"/saml2/idpresponse" || form.Get("RelayState") != relay {
		t.Fatalf("the IdP posts to %s with %v", acs, form)
	}
	resp, body := f.back(t, a, acs, form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "may not start a sign-in") {
		t.Fatalf("an IdP-initiated sign-in without IDPInit answered %d:\n%s", resp.StatusCode, body)
	}

	md := must(io.ReadAll(must(http.Get(f.idp + "/metadata"))(t).Body))(t)
	must(f.down.c.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &f.pool, ProviderName: aws.String("Corp"),
		ProviderDetails: map[string]string{"MetadataFile": string(md), "IDPInit": "true"}}))(t)
	d := must(f.down.c.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: &f.pool, ProviderName: aws.String("Corp")}))(t)
	if d.IdentityProvider.ProviderDetails["IDPInit"] != "true" {
		t.Fatalf("details %v", d.IdentityProvider.ProviderDetails)
	}
	acs, form = f.idpInitiated(t, a, "portal", relay)
	resp, body = f.back(t, a, acs, form)
	claims := f.finish(t, f.pool, f.app, f.appSecret, resp, body)
	if claims["cognito:username"] != "Corp_"+samlUserEmail {
		t.Fatalf("claims %v", claims)
	}
	resp, body = f.back(t, a, acs, form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "already used") {
		t.Fatalf("a replayed IdP-initiated answer got %d:\n%s", resp.StatusCode, body)
	}

	// A callback the client has not registered: a page, no redirect.
	bad := url.Values{"client_id": {f.app}, "redirect_uri": {"https://evil.test/cb"}, "response_type": {"code"}, "identity_provider": {"Corp"}}.Encode()
	acs, form = f.idpInitiated(t, a, "evil", bad)
	resp, body = f.back(t, a, acs, form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "has not registered") {
		t.Fatalf("an unregistered redirect_uri got %d:\n%s", resp.StatusCode, body)
	}
	// No provider named: refused.
	none := url.Values{"client_id": {f.app}, "redirect_uri": {fedCallback}, "response_type": {"code"}}.Encode()
	acs, form = f.idpInitiated(t, a, "none", none)
	resp, body = f.back(t, a, acs, form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "does not name the provider") {
		t.Fatalf("a RelayState without a provider got %d:\n%s", resp.StatusCode, body)
	}
}

// A provider with EncryptedResponses and RequestSigningAlgorithm: its
// ActiveEncryptionCertificate is the pool's encryption certificate, which
// the SP metadata publishes with the signing certificate of
// GetSigningCertificate; the AuthnRequest is signed with that key (checked
// here and by the IdP), and an assertion in the clear is refused until
// the IdP, given the new metadata, encrypts it.
func TestFederatedSAMLEncryptedAndSigned(t *testing.T) {
	f := newSAMLFed(t)
	md := must(io.ReadAll(must(http.Get(f.idp + "/metadata"))(t).Body))(t)
	must(f.down.c.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &f.pool, ProviderName: aws.String("Corp"),
		ProviderDetails: map[string]string{"MetadataFile": string(md), "EncryptedResponses": "true"}}))(t)
	d := must(f.down.c.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: &f.pool, ProviderName: aws.String("Corp")}))(t)
	encCert := d.IdentityProvider.ProviderDetails["ActiveEncryptionCertificate"]
	if _, err := x509.ParseCertificate(must(base64.StdEncoding.DecodeString(encCert))(t)); err != nil {
		t.Fatalf("ActiveEncryptionCertificate %q: %v", encCert, err)
	}
	signCert := *must(f.down.c.GetSigningCertificate(ctx, &cip.GetSigningCertificateInput{UserPoolId: &f.pool}))(t).Certificate
	if signCert == encCert {
		t.Fatal("the encryption certificate is the signing certificate")
	}

	// The IdP still has the old SP metadata: it sends the assertion in
	// the clear, which is refused.
	a := newFedAgent(t)
	acs, form := f.toIdP(t, a, f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}))
	resp, body := f.back(t, a, acs, form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "could not be verified") {
		t.Fatalf("an assertion in the clear answered %d:\n%s", resp.StatusCode, body)
	}
	f.logged(t, "not encrypted")

	// Signed requests too (the IdP, which checks their signatures against
	// the SP metadata it has, needs the new metadata for them).
	must(f.down.c.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &f.pool, ProviderName: aws.String("Corp"),
		ProviderDetails: map[string]string{"MetadataFile": string(md), "EncryptedResponses": "true", "RequestSigningAlgorithm": "rsa-sha256"}}))(t)
	// The SP metadata now publishes both certificates.
	resp, spmd := newFedAgent(t).get(f.down.srv.URL + "/saml2/metadata?client_id=" + f.app)
	if resp.StatusCode != http.StatusOK || !strings.Contains(spmd, `AuthnRequestsSigned="true"`) ||
		!regexp.MustCompile(`(?s)<KeyDescriptor use="encryption">.*`+regexp.QuoteMeta(encCert)).MatchString(spmd) ||
		!regexp.MustCompile(`(?s)<KeyDescriptor use="signing">.*`+regexp.QuoteMeta(signCert)).MatchString(spmd) {
		t.Fatalf("SP metadata %d:\n%s", resp.StatusCode, spmd)
	}
	samlAdmin(t, http.MethodPut, f.idp+"/services/cognatea", []byte(spmd))

	// crewjam's login form posts the request on without its redirect
	// signature, which the IdP then refuses: the user signs in at the IdP
	// first, and the signed request gets its answer at once.
	b := newFedAgent(t)
	if resp, body := b.post(f.idp+"/login", url.Values{"user": {"alice"}, "password": {password}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("IdP login answered %d:\n%s", resp.StatusCode, body)
	}
	sso, _, _ := b.follow(f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}), f.idp+"/sso?")
	samlCheckSigned(t, sso, signCert)
	_, _, body = b.follow(sso, fedCallback)
	acs, form = samlForm(t, body)
	xml := string(must(base64.StdEncoding.DecodeString(form.Get("SAMLResponse")))(t))
	if !strings.Contains(xml, "EncryptedAssertion") || strings.Contains(xml, samlUserEmail) {
		t.Fatalf("the IdP did not encrypt the assertion:\n%s", xml)
	}
	resp, body = f.back(t, b, acs, form)
	if claims := f.finish(t, f.pool, f.app, f.appSecret, resp, body); claims["email"] != samlUserEmail {
		t.Fatalf("claims %v", claims)
	}
}

// samlCheckSigned verifies the HTTP-Redirect binding's signature of an
// AuthnRequest URL (rsa-sha256 over SAMLRequest, RelayState and SigAlg as
// sent) with the certificate (base64 DER).
func samlCheckSigned(t *testing.T, u, cert string) {
	t.Helper()
	pu := must(url.Parse(u))(t)
	raw := map[string]string{}
	for _, kv := range strings.Split(pu.RawQuery, "&") {
		k, _, _ := strings.Cut(kv, "=")
		raw[k] = kv
	}
	q := pu.Query()
	if q.Get("SigAlg") != "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" || q.Get("Signature") == "" {
		t.Fatalf("the AuthnRequest is not signed with rsa-sha256: %s", u)
	}
	signed := raw["SAMLRequest"] + "&" + raw["RelayState"] + "&" + raw["SigAlg"]
	c := must(x509.ParseCertificate(must(base64.StdEncoding.DecodeString(cert))(t)))(t)
	sig := must(base64.StdEncoding.DecodeString(q.Get("Signature")))(t)
	sum := sha256.Sum256([]byte(signed))
	if err := rsa.VerifyPKCS1v15(c.PublicKey.(*rsa.PublicKey), crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("the AuthnRequest's signature does not verify with the pool's signing certificate: %v", err)
	}
}

// With IDPSignout, /logout signs the user out of the pool and then of the
// IdP: a signed LogoutRequest to its SingleLogoutService, whose
// LogoutResponse at /saml2/logout sends the browser on; the IdP's session
// is then over (the next sign-in shows its login form again).
func TestFederatedSAMLSignOut(t *testing.T) {
	f := newSAMLFed(t)
	md := must(io.ReadAll(must(http.Get(f.idp + "/metadata"))(t).Body))(t)
	must(f.down.c.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &f.pool, ProviderName: aws.String("Corp"),
		ProviderDetails: map[string]string{"MetadataFile": string(md), "IDPSignout": "true"}}))(t)
	_, spmd := newFedAgent(t).get(f.down.srv.URL + "/saml2/metadata?client_id=" + f.app)
	if !strings.Contains(spmd, `SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="`+f.down.srv.URL+`/saml2/logout"`) ||
		!strings.Contains(spmd, `<KeyDescriptor use="signing">`) {
		t.Fatalf("SP metadata:\n%s", spmd)
	}
	samlAdmin(t, http.MethodPut, f.idp+"/services/cognatea", []byte(spmd))

	a := newFedAgent(t)
	acs, form := f.toIdP(t, a, f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}))
	resp, body := f.back(t, a, acs, form)
	f.finish(t, f.pool, f.app, f.appSecret, resp, body)

	logout := f.down.srv.URL + "/logout?" + url.Values{"client_id": {f.app}, "redirect_uri": {fedCallback}, "response_type": {"code"}}.Encode()
	slo, _, _ := a.follow(logout, f.idp+"/slo?")
	if !strings.HasPrefix(slo, f.idp+"/slo?") || !strings.Contains(slo, "Signature=") {
		t.Fatalf("/logout went to %s, not to the IdP's SingleLogoutService with a signed request", slo)
	}
	back, resp, body := a.follow(slo, f.down.srv.URL+"/saml2/logout")
	if !strings.HasPrefix(back, f.down.srv.URL+"/saml2/logout?") {
		t.Fatalf("the IdP answered %d at %s:\n%s", resp.StatusCode, back, body)
	}
	resp, body = a.get(back)
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), "/login?") {
		t.Fatalf("/saml2/logout answered %d (%s):\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	// The same LogoutResponse again: refused, a page.
	resp, body = a.get(back)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "could not be verified") {
		t.Fatalf("a replayed LogoutResponse answered %d:\n%s", resp.StatusCode, body)
	}
	// Signed out at the IdP: its login form again.
	page, resp, body := a.follow(f.authorizeURL(f.app, url.Values{"identity_provider": {"Corp"}}), fedCallback)
	if !strings.HasPrefix(page, f.idp+"/sso?") || !samlLoginForm.MatchString(body) {
		t.Fatalf("after sign-out the IdP answered %d at %s:\n%s", resp.StatusCode, page, body)
	}
}
