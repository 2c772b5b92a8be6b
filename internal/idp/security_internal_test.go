package idp

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/srp"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/store/sqlite"
	"github.com/cognate-idp/cognate/internal/token"
)

// These tests reach inside the domain for what the API cannot show: the work
// done on paths that must look alike from outside, and tokens signed with a
// pool's own key but carrying claims the server never issues.

const testPassword = "Corr3ct-Horse!"

// countingStore counts the store calls a sign-in makes, so that tests can
// compare the work of two paths.
type countingStore struct {
	store.Store
	reads, writes atomic.Int64
}

func (c *countingStore) GetUser(ctx context.Context, pool, name string) (*store.User, error) {
	c.reads.Add(1)
	return c.Store.GetUser(ctx, pool, name)
}

func (c *countingStore) FindUsers(ctx context.Context, pool string, f *store.Filter, after string, limit int) ([]*store.User, error) {
	c.reads.Add(1)
	return c.Store.FindUsers(ctx, pool, f, after, limit)
}

func (c *countingStore) GetDevice(ctx context.Context, pool, key string) (*store.Device, error) {
	c.reads.Add(1)
	return c.Store.GetDevice(ctx, pool, key)
}

func (c *countingStore) UpdateUser(ctx context.Context, pool, name string, fn func(*store.User) error) (*store.User, error) {
	c.writes.Add(1)
	return c.Store.UpdateUser(ctx, pool, name, fn)
}

func (c *countingStore) UpdateDevice(ctx context.Context, pool, key string, fn func(*store.Device) error) (*store.Device, error) {
	c.writes.Add(1)
	return c.Store.UpdateDevice(ctx, pool, key, fn)
}

func (c *countingStore) MarkUsed(ctx context.Context, key string, expires time.Time) error {
	c.writes.Add(1)
	return c.Store.MarkUsed(ctx, key, expires)
}

func (c *countingStore) PutRefreshToken(ctx context.Context, t *store.RefreshToken) error {
	c.writes.Add(1)
	return c.Store.PutRefreshToken(ctx, t)
}

type testEnv struct {
	t      testing.TB
	svc    *Service
	pool   string
	client string
	key    []byte // the master key
	st     *countingStore
	mu     sync.Mutex
	now    time.Time
}

func newTestEnv(t testing.TB, pool *api.CreateUserPoolInput, clientSettings func(*api.CreateUserPoolClientInput)) *testEnv {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "idp.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := seal.NewKey()
	sealer, err := seal.New(key)
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, now: time.Now().UTC(), key: key, st: &countingStore{Store: st}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.svc = New(Config{Store: e.st, Sealer: sealer, Region: "us-east-1", Logger: log, Delivery: dropped{log},
		Now: e.clock, Issuer: func(p string) string { return "http://127.0.0.1:9229/" + p }})
	if pool == nil {
		pool = &api.CreateUserPoolInput{}
	}
	pool.PoolName = "internal"
	p, err := e.svc.CreatePool(context.Background(), "", pool)
	if err != nil {
		t.Fatal(err)
	}
	e.pool = p.UserPool.Id
	e.client = e.newClient(clientSettings)
	return e
}

func (e *testEnv) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *testEnv) newClient(settings func(*api.CreateUserPoolClientInput)) string {
	e.t.Helper()
	in := &api.CreateUserPoolClientInput{UserPoolId: e.pool}
	in.ClientName = "app"
	in.ExplicitAuthFlows = []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
	if settings != nil {
		settings(in)
	}
	c, err := e.svc.CreateClient(context.Background(), "", "", in)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.UserPoolClient.ClientId
}

// user signs up and confirms a user; it returns the canonical username.
func (e *testEnv) user(name string, attrs ...api.AttributeType) string {
	e.t.Helper()
	ctx := context.Background()
	pw := testPassword
	if _, err := e.svc.SignUp(ctx, &api.SignUpInput{ClientId: e.client, Username: name, Password: &pw, UserAttributes: attrs}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.AdminConfirmSignUp(ctx, &api.AdminConfirmSignUpInput{UserPoolId: e.pool, Username: name}); err != nil {
		e.t.Fatal(err)
	}
	u, err := e.svc.AdminGetUser(ctx, &api.AdminGetUserInput{UserPoolId: e.pool, Username: name})
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Username
}

func strp(s string) *string { return &s }

func authParams(kv ...string) map[string]*string {
	m := map[string]*string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = strp(kv[i+1])
	}
	return m
}

// work is what a request cost the server: modular exponentiations (each
// ~0.25-1.5 ms, against microseconds for everything else it computes) and
// store reads and writes (a write waits for the disk).
type work struct{ exps, reads, writes int64 }

// measure runs f and returns its work.
func (e *testEnv) measure(f func()) work {
	x, r, w := srp.Exponentiations(), e.st.reads.Load(), e.st.writes.Load()
	f()
	return work{int64(srp.Exponentiations() - x), e.st.reads.Load() - r, e.st.writes.Load() - w}
}

// srpProof runs USER_SRP_AUTH for name and answers PASSWORD_VERIFIER with pw;
// it returns the two answers' errors and the exponentiations the server did
// for each.
func (e *testEnv) srpProof(name, pw string) (startWork, proofWork work, startErr, proofErr error) {
	e.t.Helper()
	ctx := context.Background()
	cl, err := srp.NewClient()
	if err != nil {
		e.t.Fatal(err)
	}
	var ch *api.AuthOutput
	startWork = e.measure(func() {
		ch, startErr = e.svc.InitiateAuth(ctx, &api.InitiateAuthInput{ClientId: e.client, AuthFlow: "USER_SRP_AUTH",
			AuthParameters: authParams("USERNAME", name, "SRP_A", cl.PublicHex())})
	})
	if startErr != nil {
		return startWork, work{}, startErr, nil
	}
	p := ch.ChallengeParameters
	resp, err := cl.Respond(srp.Challenge{PoolName: poolName(e.pool), UserID: p["USER_ID_FOR_SRP"], Salt: p["SALT"], B: p["SRP_B"],
		SecretBlock: p["SECRET_BLOCK"]}, pw, e.clock())
	if err != nil {
		e.t.Fatal(err)
	}
	proofWork = e.measure(func() {
		_, proofErr = e.svc.RespondToAuthChallenge(ctx, &api.RespondToAuthChallengeInput{ClientId: e.client, ChallengeName: "PASSWORD_VERIFIER",
			ChallengeResponses: authParams("USERNAME", p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK", resp.SecretBlock,
				"PASSWORD_CLAIM_SIGNATURE", resp.Signature, "TIMESTAMP", resp.Timestamp)})
	})
	return startWork, proofWork, startErr, proofErr
}

func sameError(t *testing.T, what string, real, phantom error) {
	t.Helper()
	r, ok1 := api.As(real)
	p, ok2 := api.As(phantom)
	if !ok1 || !ok2 || r.Code != p.Code || r.Message != p.Message {
		t.Fatalf("%s: a real user gets %v, an unknown one %v", what, real, phantom)
	}
}

// TestPhantomUsersCostTheSameWork: with PreventUserExistenceErrors, an
// unknown user's sign-in does the same modular exponentiations as a real
// user's with a wrong password, for USER_PASSWORD_AUTH and for both steps of
// USER_SRP_AUTH, in a pool with plain usernames and in one that signs in by
// email. Counting exponentiations (each ~0.25-1.5 ms, against microseconds for
// everything else a sign-in does) stands in for timing, which a test cannot
// assert on a shared machine.
func TestPhantomUsersCostTheSameWork(t *testing.T) {
	hide := func(in *api.CreateUserPoolClientInput) { in.PreventUserExistenceErrors = "ENABLED" }
	for _, c := range []struct {
		name       string
		pool       *api.CreateUserPoolInput
		real, nope string
		attrs      []api.AttributeType
	}{
		{"username", nil, "alice", "ghost", nil},
		// A pool with advanced security also records each sign-in.
		{"audit", &api.CreateUserPoolInput{UserPoolSettings: api.UserPoolSettings{UserPoolAddOns: json.RawMessage(`{"AdvancedSecurityMode":"AUDIT"}`)}},
			"alice", "ghost", nil},
		{"email", &api.CreateUserPoolInput{UserPoolIdentity: api.UserPoolIdentity{UsernameAttributes: []string{"email"}}},
			"alice@example.com", "ghost@example.com", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newTestEnv(t, c.pool, hide)
			e.user(c.real, c.attrs...)
			ctx := context.Background()
			var realErr, phantomErr error
			realWork := e.measure(func() {
				_, realErr = e.svc.InitiateAuth(ctx, &api.InitiateAuthInput{ClientId: e.client, AuthFlow: "USER_PASSWORD_AUTH",
					AuthParameters: authParams("USERNAME", c.real, "PASSWORD", "Wrong-Passw0rd!")})
			})
			phantomWork := e.measure(func() {
				_, phantomErr = e.svc.InitiateAuth(ctx, &api.InitiateAuthInput{ClientId: e.client, AuthFlow: "USER_PASSWORD_AUTH",
					AuthParameters: authParams("USERNAME", c.nope, "PASSWORD", "Wrong-Passw0rd!")})
			})
			sameError(t, "USER_PASSWORD_AUTH", realErr, phantomErr)
			if realWork.exps == 0 || realWork != phantomWork {
				t.Errorf("USER_PASSWORD_AUTH: %+v for a real user, %+v for an unknown one", realWork, phantomWork)
			}

			rse, rpe, rs, rp := e.srpProof(c.real, "Wrong-Passw0rd!")
			pse, ppe, ps, pp := e.srpProof(c.nope, "Wrong-Passw0rd!")
			if rs != nil || ps != nil {
				t.Fatalf("USER_SRP_AUTH refused: real %v, unknown %v", rs, ps)
			}
			sameError(t, "PASSWORD_VERIFIER", rp, pp)
			if rse.exps == 0 || rse != pse {
				t.Errorf("USER_SRP_AUTH: %+v for a real user, %+v for an unknown one", rse, pse)
			}
			if rpe.exps < 2 || rpe != ppe {
				t.Errorf("PASSWORD_VERIFIER: %+v for a real user, %+v for an unknown one", rpe, ppe)
			}
		})
	}
}

// TestAuthorizeChecksEveryClaim mints access tokens with the pool's own
// signing key, so the signature is valid, that differ from a real one in a
// single claim: each is refused. The unmodified copy is accepted, so what
// refuses the others is the claim, not the minting.
func TestAuthorizeChecksEveryClaim(t *testing.T) {
	e := newTestEnv(t, nil, nil)
	ctx := context.Background()
	name := e.user("alice")
	other := e.user("bob")
	out, err := e.svc.InitiateAuth(ctx, &api.InitiateAuthInput{ClientId: e.client, AuthFlow: "USER_PASSWORD_AUTH",
		AuthParameters: authParams("USERNAME", name, "PASSWORD", testPassword)})
	if err != nil {
		t.Fatal(err)
	}
	real, err := token.Unverified(out.AuthenticationResult.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.loadPool(ctx, e.pool)
	if err != nil {
		t.Fatal(err)
	}
	key, err := e.svc.signingKey(p)
	if err != nil {
		t.Fatal(err)
	}
	// A second pool and a client of it, and a deleted client of this pool.
	p2, err := e.svc.CreatePool(ctx, "", &api.CreateUserPoolInput{PoolName: "other"})
	if err != nil {
		t.Fatal(err)
	}
	in := &api.CreateUserPoolClientInput{UserPoolId: p2.UserPool.Id}
	in.ClientName = "other"
	c2, err := e.svc.CreateClient(ctx, "", "", in)
	if err != nil {
		t.Fatal(err)
	}
	gone := e.newClient(nil)
	if _, err := e.svc.DeleteUserPoolClient(ctx, &api.DeleteUserPoolClientInput{UserPoolId: e.pool, ClientId: gone}); err != nil {
		t.Fatal(err)
	}
	bobSub := func() string {
		u, err := e.svc.AdminGetUser(ctx, &api.AdminGetUserInput{UserPoolId: e.pool, Username: other})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range u.UserAttributes {
			if a.Name == "sub" {
				return *a.Value
			}
		}
		t.Fatal("bob has no sub")
		return ""
	}()

	mint := func(change func(map[string]any)) string {
		c := map[string]any{}
		for k, v := range real {
			c[k] = v
		}
		change(c)
		raw, err := key.Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	getUser := func(raw string) error {
		_, err := e.svc.GetUser(ctx, &api.GetUserInput{AccessToken: raw})
		return err
	}
	if err := getUser(mint(func(map[string]any) {})); err != nil {
		t.Fatalf("a faithful copy of the token was refused: %v", err)
	}
	now := e.clock()
	for _, c := range []struct {
		what   string
		change func(map[string]any)
	}{
		{"the other pool's issuer", func(c map[string]any) { c["iss"] = "http://127.0.0.1:9229/" + p2.UserPool.Id }},
		{"Cognito's issuer format", func(c map[string]any) { c["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/" + e.pool }},
		{"no issuer", func(c map[string]any) { delete(c, "iss") }},
		{"token_use id", func(c map[string]any) { c["token_use"] = "id" }},
		{"no token_use", func(c map[string]any) { delete(c, "token_use") }},
		{"another pool's client_id", func(c map[string]any) { c["client_id"] = c2.UserPoolClient.ClientId }},
		{"a deleted client_id", func(c map[string]any) { c["client_id"] = gone }},
		{"no client_id", func(c map[string]any) { delete(c, "client_id") }},
		{"an ID token's aud instead of client_id", func(c map[string]any) { c["aud"] = c["client_id"]; delete(c, "client_id") }},
		{"expired", func(c map[string]any) { c["exp"] = now.Add(-time.Second).Unix() }},
		{"no exp", func(c map[string]any) { delete(c, "exp") }},
		{"issued in the future", func(c map[string]any) { c["iat"] = now.Add(time.Hour).Unix() }},
		{"another user's name", func(c map[string]any) { c["username"] = other }},
		{"another user's sub", func(c map[string]any) { c["sub"] = bobSub }},
	} {
		if err := getUser(mint(c.change)); !api.IsCode(err, api.ErrNotAuthorized) {
			t.Errorf("%s: want NotAuthorizedException, got %v", c.what, err)
		}
	}

	// A disabled user's token is refused by the check of the user's state
	// itself: AdminDisableUser also revokes the user's sign-ins, which would
	// hide that check, so the flag is set in the store directly.
	if _, err := e.svc.st.UpdateUser(ctx, e.pool, name, func(u *store.User) error { u.Enabled = false; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := getUser(out.AuthenticationResult.AccessToken); !api.IsCode(err, api.ErrNotAuthorized) {
		t.Errorf("disabled user: want NotAuthorizedException, got %v", err)
	}
}
