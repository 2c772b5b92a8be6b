// Command harness is the server side of the browser suite
// (e2e/browser/hosted.test.mjs): an in-process Cognate with a clock the
// test moves, the pools and app clients the journey needs, and a relying
// party built on golang.org/x/oauth2 and github.com/coreos/go-oidc that
// knows Cognate only from its discovery document. The Node test drives
// Chromium; this program answers what a browser cannot see (the outbox,
// TOTP codes at the server's time, what the relying party verified).
//
// It prints one JSON line with its addresses on stdout and serves until
// stdin closes, so it never outlives the test that started it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/app"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/pquerna/otp/totp"
	"golang.org/x/oauth2"
)

// config is what the test learns at start.
type config struct {
	Control string `json:"control"` // this harness's control API
	RP      string `json:"rp"`      // the relying party
	Cognate string `json:"cognate"`
	// Apps by name: mfa (MFA required, devices remembered on prompt),
	// plain (no MFA; users for password reset and the new-password step),
	// email (users sign in by email, MFA required) and quiet (a second
	// client of plain's pool with PreventUserExistenceErrors ENABLED).
	Apps map[string]appInfo `json:"apps"`
	// Keys are the admin keys, which sign into the console.
	Keys struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	} `json:"keys"`
}

type appInfo struct {
	PoolID   string `json:"poolId"`
	ClientID string `json:"clientId"`
}

// result is what the relying party made of one callback.
type result struct {
	Error     string         `json:"error,omitempty"`
	App       string         `json:"app"`
	Claims    map[string]any `json:"claims,omitempty"`   // of the verified ID token
	UserInfo  map[string]any `json:"userInfo,omitempty"` // from the userInfo endpoint
	Refresh   bool           `json:"refresh"`            // a refresh token came with it
	Replay    string         `json:"replay"`             // the error of a second exchange
	Refreshed bool           `json:"refreshed"`          // the refresh token worked
}

// rp is one relying party per app.
type rp struct {
	name     string
	provider *oidc.Provider
	conf     *oauth2.Config

	mu                     sync.Mutex
	state, nonce, verifier string
}

type harness struct {
	clock   *cognatetest.Clock // the server's, moved by POST /control/advance
	app     *app.App
	admin   *cip.Client
	rps     map[string]*rp
	results chan result
}

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "cognate-browser-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	h := &harness{clock: &cognatetest.Clock{}, rps: map[string]*rp{}, results: make(chan result, 16)}
	h.clock.Set(time.Now().UTC())

	cl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + cl.Addr().String()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("COGNATE_TEST_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	h.app, err = app.New(ctx, app.Options{DataDir: dir, Region: "us-east-1", Now: h.clock.Now, AccessKeyID: "AKCOGNATEBROWSER",
		SecretAccessKey: "cognate-browser-secret", Logger: logger}, base)
	if err != nil {
		return err
	}
	go h.app.Serve(cl)
	defer h.app.Shutdown(context.Background())
	h.admin = cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(base), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(h.app.AccessKeyID, h.app.SecretKey, "")})

	rl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	rpURL := "http://" + rl.Addr().String()
	apps, err := h.setup(ctx, base, rpURL)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /start/{app}", h.start)
	mux.HandleFunc("GET /callback/{app}", h.callback)
	mux.HandleFunc("GET /bye", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>Signed out</title><h1 id="bye">Signed out</h1></html>`)
	})
	mux.HandleFunc("POST /control/advance", h.advance)
	mux.HandleFunc("GET /control/totp", h.totp)
	mux.HandleFunc("GET /control/code", h.code)
	mux.HandleFunc("GET /control/result", h.result)
	mux.HandleFunc("GET /control/devices", h.devices)
	h.consoleRoutes(mux)
	h.passkeyRoutes(mux)
	go http.Serve(rl, mux)

	cfg := config{Control: rpURL + "/control", RP: rpURL, Cognate: base, Apps: apps}
	cfg.Keys.ID, cfg.Keys.Secret = h.app.AccessKeyID, h.app.SecretKey
	json.NewEncoder(os.Stdout).Encode(cfg)
	io.Copy(io.Discard, os.Stdin) // until the test closes stdin or exits
	return nil
}

// setup makes the pools, app clients and users of the journey.
func (h *harness) setup(ctx context.Context, base, rpURL string) (map[string]appInfo, error) {
	apps := map[string]appInfo{}
	for _, name := range []string{"mfa", "plain", "email"} {
		in := &cip.CreateUserPoolInput{PoolName: aws.String("browser-" + name),
			AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}
		switch name {
		case "mfa":
			in.MfaConfiguration = types.UserPoolMfaTypeOn
			in.DeviceConfiguration = &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}
		case "email":
			in.MfaConfiguration = types.UserPoolMfaTypeOn
			in.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
		default:
			in.Schema = []types.SchemaAttributeType{{Name: aws.String("given_name"), AttributeDataType: types.AttributeDataTypeString,
				Required: aws.Bool(true), Mutable: aws.Bool(true)}}
		}
		pool, err := h.admin.CreateUserPool(ctx, in)
		if err != nil {
			return nil, err
		}
		poolID := *pool.UserPool.Id
		client, err := h.admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("Browser test app"),
			AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
			AllowedOAuthScopes: []string{"openid", "email", "profile"}, SupportedIdentityProviders: []string{"COGNITO"},
			CallbackURLs: []string{rpURL + "/callback/" + name}, LogoutURLs: []string{rpURL + "/bye"}})
		if err != nil {
			return nil, err
		}
		clientID := *client.UserPoolClient.ClientId
		provider, err := oidc.NewProvider(ctx, base+"/"+poolID)
		if err != nil {
			return nil, fmt.Errorf("discovery: %w", err)
		}
		h.rps[name] = &rp{name: name, provider: provider, conf: &oauth2.Config{ClientID: clientID, Endpoint: provider.Endpoint(),
			RedirectURL: rpURL + "/callback/" + name, Scopes: []string{oidc.ScopeOpenID, "email"}}}
		apps[name] = appInfo{PoolID: poolID, ClientID: clientID}
		if name == "plain" {
			if err := h.quietClient(ctx, base, rpURL, poolID, apps); err != nil {
				return nil, err
			}
		}
	}
	// plain: rae can reset her password; nina was invited and must choose one.
	plain := apps["plain"].PoolID
	for _, u := range []struct{ name, given string }{{"rae", "Rae"}, {"nina", ""}} {
		attrs := []types.AttributeType{{Name: aws.String("email"), Value: aws.String(u.name + "@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")}}
		if u.given != "" {
			attrs = append(attrs, types.AttributeType{Name: aws.String("given_name"), Value: aws.String(u.given)})
		}
		if _, err := h.admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &plain, Username: aws.String(u.name),
			TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs}); err != nil {
			return nil, err
		}
	}
	if _, err := h.admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &plain, Username: aws.String("rae"),
		Password: aws.String("Old-Passw0rd!"), Permanent: true}); err != nil {
		return nil, err
	}
	if err := h.passwordless(ctx, base, rpURL, apps); err != nil {
		return nil, err
	}
	if err := h.federated(ctx, base, rpURL, apps); err != nil {
		return nil, err
	}
	return apps, h.saml(ctx, base, rpURL, apps)
}

// federated adds the fed app: its pool signs users in through an OIDC
// provider, "Upstream", which is another pool of the server (its user uma,
// its app client for the fed pool), known to the fed pool by its issuer
// alone (the endpoints discovered).
func (h *harness) federated(ctx context.Context, base, rpURL string, apps map[string]appInfo) error {
	up, err := h.admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("browser-upstream")})
	if err != nil {
		return err
	}
	upPool := *up.UserPool.Id
	if _, err := h.admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &upPool, Username: aws.String("uma"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("uma@example.com")}}}); err != nil {
		return err
	}
	// leo's identity is linked to lena, a user of the fed pool (below).
	for _, name := range []string{"uma", "leo"} {
		if name == "leo" {
			if _, err := h.admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &upPool, Username: aws.String(name),
				MessageAction: types.MessageActionTypeSuppress}); err != nil {
				return err
			}
		}
		if _, err := h.admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &upPool, Username: aws.String(name),
			Password: aws.String("Corr3ct-Horse!"), Permanent: true}); err != nil {
			return err
		}
	}
	leo, err := h.admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &upPool, Username: aws.String("leo")})
	if err != nil {
		return err
	}
	var leoSub string
	for _, a := range leo.UserAttributes {
		if *a.Name == "sub" {
			leoSub = *a.Value
		}
	}
	upc, err := h.admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &upPool, ClientName: aws.String("Federating pool"),
		GenerateSecret: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, SupportedIdentityProviders: []string{"COGNITO"},
		CallbackURLs: []string{base + "/oauth2/idpresponse"}})
	if err != nil {
		return err
	}
	fed, err := h.admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("browser-fed")})
	if err != nil {
		return err
	}
	poolID := *fed.UserPool.Id
	if _, err := h.admin.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Upstream"),
		ProviderType: types.IdentityProviderTypeTypeOidc, AttributeMapping: map[string]string{"email": "email"},
		ProviderDetails: map[string]string{"client_id": *upc.UserPoolClient.ClientId, "client_secret": *upc.UserPoolClient.ClientSecret,
			"authorize_scopes": "openid email", "attributes_request_method": "GET", "oidc_issuer": base + "/" + upPool}}); err != nil {
		return err
	}
	if err := h.linkedUser(ctx, poolID, "lena", "Corr3ct-Horse!", "Upstream", leoSub); err != nil {
		return err
	}
	if err := h.oauthApp(ctx, base, rpURL, "fed", poolID, "", apps, func(in *cip.CreateUserPoolClientInput) {
		in.ClientName, in.AllowedOAuthScopes = aws.String("Federated test app"), []string{"openid", "email"}
		in.SupportedIdentityProviders = []string{"COGNITO", "Upstream"}
	}); err != nil {
		return err
	}
	apps["upstream"] = appInfo{PoolID: upPool, ClientID: *upc.UserPoolClient.ClientId}
	return nil
}

// linkedUser makes name, a confirmed native user of the pool with the
// password, whose identity at provider is subject
// (AdminLinkProviderForUser, Cognito_Subject): signing in either way is
// signing in as name.
func (h *harness) linkedUser(ctx context.Context, poolID, name, password, provider, subject string) error {
	if _, err := h.admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &name,
		MessageAction: types.MessageActionTypeSuppress}); err != nil {
		return err
	}
	if _, err := h.admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name,
		Password: &password, Permanent: true}); err != nil {
		return err
	}
	_, err := h.admin.AdminLinkProviderForUser(ctx, &cip.AdminLinkProviderForUserInput{UserPoolId: &poolID,
		DestinationUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Cognito"), ProviderAttributeValue: &name},
		SourceUser: &types.ProviderUserIdentifierType{ProviderName: &provider, ProviderAttributeName: aws.String("Cognito_Subject"),
			ProviderAttributeValue: &subject}})
	return err
}

// quietClient adds the quiet app: a client of the plain pool whose pages
// must not tell whether an account exists.
func (h *harness) quietClient(ctx context.Context, base, rpURL, poolID string, apps map[string]appInfo) error {
	return h.oauthApp(ctx, base, rpURL, "quiet", poolID, "", apps, func(in *cip.CreateUserPoolClientInput) {
		in.ClientName, in.AllowedOAuthScopes = aws.String("Quiet test app"), []string{"openid", "email"}
		in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
	})
}

func (h *harness) start(w http.ResponseWriter, r *http.Request) {
	p, ok := h.rps[r.PathValue("app")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	p.mu.Lock()
	p.state, p.nonce, p.verifier = oauth2.GenerateVerifier(), oauth2.GenerateVerifier(), oauth2.GenerateVerifier()
	opts := []oauth2.AuthCodeOption{oidc.Nonce(p.nonce), oauth2.S256ChallengeOption(p.verifier)}
	if hint := r.URL.Query().Get("login_hint"); hint != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", hint))
	}
	u := p.conf.AuthCodeURL(p.state, opts...)
	p.mu.Unlock()
	http.Redirect(w, r, u, http.StatusFound)
}

func (h *harness) callback(w http.ResponseWriter, r *http.Request) {
	p, ok := h.rps[r.PathValue("app")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	res := p.finish(r)
	if res.Error != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Sign-in failed</title><h1 id="failed">Sign-in failed</h1><p id="why">%s</p></html>`, res.Error)
	} else {
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Signed in</title><h1 id="done">Signed in as %s</h1></html>`, res.Claims["cognito:username"])
	}
	h.results <- res
}

// finish checks the state, exchanges the code with its PKCE verifier,
// verifies the ID token and its nonce, asks userInfo, and tries the code
// a second time and the refresh token once.
func (p *rp) finish(r *http.Request) result {
	ctx := r.Context()
	p.mu.Lock()
	state, nonce, verifier := p.state, p.nonce, p.verifier
	p.mu.Unlock()
	res := result{App: p.name}
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		res.Error = e + ": " + q.Get("error_description")
		return res
	}
	if q.Get("state") != state {
		res.Error = "state does not match"
		return res
	}
	tok, err := p.conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		res.Error = "exchange: " + err.Error()
		return res
	}
	if _, err := p.conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier)); err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			res.Replay = re.ErrorCode
		}
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.provider.Verifier(&oidc.Config{ClientID: p.conf.ClientID}).Verify(ctx, raw)
	if err != nil {
		res.Error = "verify ID token: " + err.Error()
		return res
	}
	if idt.Nonce != nonce {
		res.Error = "nonce does not match"
		return res
	}
	if err := idt.Claims(&res.Claims); err != nil {
		res.Error = err.Error()
		return res
	}
	ui, err := p.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		res.Error = "userInfo: " + err.Error()
		return res
	}
	ui.Claims(&res.UserInfo)
	res.Refresh = tok.RefreshToken != ""
	if res.Refresh {
		fresh, err := p.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
		res.Refreshed = err == nil && fresh.AccessToken != ""
	}
	return res
}

// result answers the next callback's result, waiting up to 20 s.
func (h *harness) result(w http.ResponseWriter, r *http.Request) {
	select {
	case res := <-h.results:
		writeJSON(w, res)
	case <-time.After(20 * time.Second):
		http.Error(w, "no callback within 20 s", http.StatusGatewayTimeout)
	}
}

func (h *harness) advance(w http.ResponseWriter, r *http.Request) {
	s, err := strconv.Atoi(r.URL.Query().Get("seconds"))
	if err != nil {
		http.Error(w, "seconds", http.StatusBadRequest)
		return
	}
	h.clock.Advance(time.Duration(s) * time.Second)
	writeJSON(w, map[string]any{"now": h.clock.Now().Unix()})
}

// totp is the code of an authenticator secret at the server's time.
func (h *harness) totp(w http.ResponseWriter, r *http.Request) {
	c, err := totp.GenerateCode(r.URL.Query().Get("secret"), h.clock.Now())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	writeJSON(w, map[string]string{"code": c})
}

// code is the newest code the server delivered to a user.
func (h *harness) code(w http.ResponseWriter, r *http.Request) {
	msgs := h.app.Outbox.Messages(h.poolOf(r), r.URL.Query().Get("user"))
	if len(msgs) == 0 {
		http.Error(w, "no message", http.StatusNotFound)
		return
	}
	writeJSON(w, map[string]string{"code": msgs[len(msgs)-1].Code})
}

// devices lists a user's devices with their remembered status.
func (h *harness) devices(w http.ResponseWriter, r *http.Request) {
	pool, user := h.poolOf(r), r.URL.Query().Get("user")
	out, err := h.admin.AdminListDevices(r.Context(), &cip.AdminListDevicesInput{UserPoolId: &pool, Username: &user})
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var list []map[string]string
	for _, d := range out.Devices {
		m := map[string]string{"key": aws.ToString(d.DeviceKey)}
		for _, a := range d.DeviceAttributes {
			m[aws.ToString(a.Name)] = aws.ToString(a.Value)
		}
		list = append(list, m)
	}
	writeJSON(w, list)
}

func (h *harness) poolOf(r *http.Request) string { return r.URL.Query().Get("pool") }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
