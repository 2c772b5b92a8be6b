package console

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/token"
	"github.com/go-jose/go-jose/v4"
)

// check is one line of the inspector's verdict.
type check struct {
	OK   bool
	Text string
}

type claim struct {
	Name, Value, Note string
}

// inspection is what the token inspector makes of a JWT.
type inspection struct {
	Header  string
	Claims  []claim
	Pool    string
	Checks  []check
	Refused string // the first reason it would be refused, "" if none
}

func (in *inspection) add(ok bool, format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	in.Checks = append(in.Checks, check{OK: ok, Text: text})
	if !ok && in.Refused == "" {
		in.Refused = text
	}
}

// maxToken bounds a pasted token (the API's own bound on tokens).
const maxToken = 131072

func (c *Console) tokens(w http.ResponseWriter, r *http.Request) {
	p := &page{Title: "Token inspector", Section: "tokens", CSRF: csrfOf(r)}
	body := map[string]any{}
	p.Body = body
	if r.Method == http.MethodPost {
		raw := strings.TrimSpace(r.PostForm.Get("token"))
		body["Token"] = raw
		if raw == "" {
			p.Error = "Paste a token to inspect."
		} else if len(raw) > maxToken {
			p.Error = "The token is longer than any Cognate issues."
		} else {
			body["Result"] = c.inspect(r.Context(), raw)
		}
	}
	c.render(w, http.StatusOK, "tokens", p)
}

func decodeSegment(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// inspect reads a JWT's header and claims, finds the pool whose keys sign
// it, verifies it, and says whether and why Cognate would refuse it.
func (c *Console) inspect(ctx context.Context, raw string) *inspection {
	in := &inspection{}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		in.add(false, "Not a JWT: a JWT is three base64url parts separated by dots (refresh tokens are opaque and cannot be inspected).")
		return in
	}
	var header map[string]any
	if err := decodeSegment(parts[0], &header); err != nil {
		in.add(false, "The header is not base64url-encoded JSON.")
		return in
	}
	hb, _ := json.MarshalIndent(header, "", "  ")
	in.Header = string(hb)
	var claims map[string]any
	if err := decodeSegment(parts[1], &claims); err != nil {
		in.add(false, "The payload is not base64url-encoded JSON.")
		return in
	}
	now := c.d.now()
	names := make([]string, 0, len(claims))
	for k := range claims {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		in.Claims = append(in.Claims, claimOf(k, claims[k], now))
	}

	alg, _ := header["alg"].(string)
	kid, _ := header["kid"].(string)
	in.add(alg == "RS256", "Algorithm %q: Cognate signs and accepts RS256 only.", alg)

	// The pool: the one iss names, else the one whose keys hold the kid.
	iss, _ := claims["iss"].(string)
	var keys *jose.JSONWebKeySet
	if i := strings.LastIndex(iss, "/"); i >= 0 {
		if ks, err := c.poolKeys(ctx, iss[i+1:]); err == nil {
			in.Pool, keys = iss[i+1:], ks
		}
	}
	if in.Pool == "" && kid != "" {
		in.Pool, keys = c.poolOfKey(ctx, kid)
	}
	if in.Pool == "" {
		in.add(false, "No pool of this server has issued it: its iss names no pool here and no pool's keys hold its kid %q.", kid)
		return in
	}
	var pub *rsa.PublicKey
	if ks := keys.Key(kid); len(ks) > 0 {
		pub, _ = ks[0].Key.(*rsa.PublicKey)
	}
	in.add(pub != nil, "Key id %q %s in the JWKS of pool %s.", kid, map[bool]string{true: "is", false: "is unknown: not"}[pub != nil], in.Pool)
	if pub != nil {
		_, err := token.Parse(raw, func(k string) *rsa.PublicKey {
			if k == kid {
				return pub
			}
			return nil
		})
		in.add(err == nil, "The signature %s with that key.", map[bool]string{true: "verifies", false: "does not verify"}[err == nil])
	}
	want := c.cfg.Issuer(in.Pool)
	in.add(iss == want, "Issuer %q %s (this server issues %q for the pool).", iss, map[bool]string{true: "matches", false: "does not match"}[iss == want], want)
	exp, hasExp := number(claims["exp"])
	switch {
	case !hasExp:
		in.add(false, "No exp claim.")
	case float64(now.Unix()) >= exp:
		in.add(false, "Expired at %s, %s ago (server time).", unixTime(exp), now.Sub(time.Unix(int64(exp), 0)).Round(time.Second))
	default:
		in.add(true, "Not expired: valid until %s.", unixTime(exp))
	}
	if iat, ok := number(claims["iat"]); ok && iat > float64(now.Add(5*time.Minute).Unix()) {
		in.add(false, "Issued in the future (iat %s): more than the five minutes of tolerated skew.", unixTime(iat))
	}
	use, _ := claims["token_use"].(string)
	switch use {
	case "access":
		in.add(true, "token_use is access: accepted where an access token is required (GetUser, ChangePassword, ...).")
		if in.Refused == "" {
			// The API's own check decides: signature, expiry, the user's
			// state, global sign-out and revocation.
			if u, err := c.d.accessTokenUser(ctx, raw); err != nil {
				in.add(false, "The API refuses it: %s.", errText(err))
			} else {
				in.add(true, "The API accepts it now: GetUser answers for user %s.", u.Username)
			}
		}
	case "id":
		in.add(true, "token_use is id: an ID token, for the application to read; the API refuses it wherever an access token is required.")
		aud, _ := claims["aud"].(string)
		if _, err := c.d.describeClient(ctx, in.Pool, aud); err != nil {
			in.add(false, "Audience %q is not an app client of pool %s.", aud, in.Pool)
		}
		if name, _ := claims["cognito:username"].(string); name != "" {
			if u, err := c.d.getUser(ctx, in.Pool, name); err != nil {
				in.add(false, "Its user %q: %s.", name, errText(err))
			} else if !u.Enabled {
				in.add(false, "Its user %q is disabled.", name)
			}
		}
	default:
		in.add(false, "token_use %q: Cognate issues id and access tokens only.", use)
	}
	return in
}

func (c *Console) poolKeys(ctx context.Context, pool string) (*jose.JSONWebKeySet, error) {
	b, err := c.d.jwks(ctx, pool)
	if err != nil {
		return nil, err
	}
	var ks jose.JSONWebKeySet
	if err := json.Unmarshal(b, &ks); err != nil {
		return nil, api.Internal(err)
	}
	return &ks, nil
}

// poolOfKey finds the pool whose JWKS holds kid (at most the first 600 pools).
func (c *Console) poolOfKey(ctx context.Context, kid string) (string, *jose.JSONWebKeySet) {
	next := ""
	for range 10 {
		out, err := c.d.listPools(ctx, next)
		if err != nil {
			return "", nil
		}
		for _, p := range out.UserPools {
			if ks, err := c.poolKeys(ctx, p.Id); err == nil && len(ks.Key(kid)) > 0 {
				return p.Id, ks
			}
		}
		if next = out.NextToken; next == "" {
			break
		}
	}
	return "", nil
}

func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func unixTime(f float64) string { return time.Unix(int64(f), 0).UTC().Format(time.RFC3339) }

func claimOf(name string, v any, now time.Time) claim {
	c := claim{Name: name}
	switch v := v.(type) {
	case string:
		c.Value = v
	case json.Number:
		c.Value = v.String()
	default:
		b, _ := json.Marshal(v)
		c.Value = string(b)
	}
	switch name {
	case "exp", "iat", "auth_time", "nbf":
		if f, ok := number(v); ok {
			t := time.Unix(int64(f), 0)
			rel := "ago"
			d := now.Sub(t)
			if d < 0 {
				rel, d = "from now", -d
			}
			c.Note = fmt.Sprintf("%s (%s %s)", t.UTC().Format(time.RFC3339), d.Round(time.Second), rel)
		}
	}
	return c
}
