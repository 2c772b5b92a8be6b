package signin

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/srp"
	"github.com/cognate-idp/cognate/internal/store"
)

// srpFlow is USER_SRP_AUTH: the password proved without being sent. The
// answer is the PASSWORD_VERIFIER challenge.
type srpFlow struct{}

func (srpFlow) initiate(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error) {
	if !req.client.Allows("ALLOW_USER_SRP_AUTH") {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgUserSRPAuthNotEnabled)
	}
	return e.srpAuth(ctx, req.client, req.params)
}

// passwordVerifierChallenge answers PASSWORD_VERIFIER. Some clients send no
// Session here: the state is found from the sealed secret block.
type passwordVerifierChallenge struct{}

func (passwordVerifierChallenge) respond(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error) {
	return e.srpVerify(ctx, req.client, req.params)
}

// timestampWindow is how far a client's TIMESTAMP may be from the server's
// clock. AWS's own window is not documented; five minutes tolerates clock
// drift without letting a claim live long.
const timestampWindow = 5 * time.Minute

func (e *Engine) userVerifier(u *store.User) ([]byte, error) {
	if len(u.Verifier) == 0 {
		// A user without a password (imported from a CSV file) answers as
		// a phantom does: a salt and a verifier that no password matches.
		ph := Phantom(e.seal, u.PoolID, u.Username)
		u.Salt, u.Verifier = ph.Salt, ph.Verifier
	}
	v, err := e.seal.Decrypt(u.Verifier, seal.LabelVerifier(u.PoolID, u.Username))
	if err != nil {
		return nil, internal(err)
	}
	return v, nil
}

// srpAuth starts USER_SRP_AUTH: the answer is PASSWORD_VERIFIER.
func (e *Engine) srpAuth(ctx context.Context, c Client, p map[string]string) (*api.AuthOutput, error) {
	if p["USERNAME"] == "" {
		return nil, missing("USERNAME")
	}
	if p["SRP_A"] == "" {
		return nil, missing("SRP_A")
	}
	if _, err := srp.ParseA(p["SRP_A"]); err != nil {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgSRPAInvalid)
	}
	u, phantom, err := e.signInUser(ctx, c, p)
	if err != nil {
		return nil, err
	}
	// At InitiateAuth, not at PASSWORD_VERIFIER: Cognito gives
	// PreAuthentication the ClientMetadata of InitiateAuth only.
	if err := e.beforeAuthentication(ctx, c, u, phantom); err != nil {
		return nil, err
	}
	return e.srpChallenge(c, u, p["SRP_A"], p["DEVICE_KEY"], phantom, nil)
}

// srpChallenge is PASSWORD_VERIFIER for the client's SRP_A: the server's
// half of the exchange sealed in SECRET_BLOCK, with the custom sign-in it
// is a step of (custom, nil for USER_SRP_AUTH).
func (e *Engine) srpChallenge(c Client, u *store.User, srpA, deviceKey string, phantom bool, custom *CustomState) (*api.AuthOutput, error) {
	v, err := e.userVerifier(u)
	if err != nil {
		return nil, err
	}
	server, err := srp.NewServer(v)
	if err != nil {
		return nil, internal(err)
	}
	parsedA, err := srp.ParseA(srpA)
	if err != nil {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgSRPAInvalid)
	}
	st := SRPState{ID: randomToken(12), Pool: c.PoolID(), Client: c.ID(), User: u.Username, A: srpA, B: server.Secret(),
		U: server.Scramble(parsedA), Expires: e.now().Add(c.SessionValidity()).Unix(), DeviceKey: deviceKey, Phantom: phantom, Custom: custom}
	b, _ := json.Marshal(st)
	block := base64.StdEncoding.EncodeToString(e.seal.SealBytes(b, seal.LabelSRP))
	ss := e.newSession(c, u, ChallengePasswordVerify, e.now())
	return &api.AuthOutput{ChallengeName: ChallengePasswordVerify, Session: e.states.Seal(ss), ChallengeParameters: map[string]string{
		"SALT": hex.EncodeToString(u.Salt), "SRP_B": server.PublicHex(), "SECRET_BLOCK": block,
		"USER_ID_FOR_SRP": u.Username, "USERNAME": u.Username,
	}}, nil
}

// restoreServer rebuilds the server's half of an exchange from its sealed
// state: from the scramble when the state has one (no B to recompute), else
// from the secret alone.
func restoreServer(v, secret, scramble []byte) (*srp.Server, error) {
	if len(scramble) > 0 {
		return srp.RestoreVerifier(v, secret, scramble)
	}
	return srp.RestoreServer(v, secret)
}

func decodeBase64(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawURLEncoding.DecodeString(s)
}

// claimFrom reads the proof members shared by PASSWORD_VERIFIER and
// DEVICE_PASSWORD_VERIFIER.
func (e *Engine) claimFrom(r map[string]string) (block, sig []byte, ts string, err error) {
	for _, k := range []string{"PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"} {
		if r[k] == "" {
			return nil, nil, "", missing(k)
		}
	}
	if block, err = decodeBase64(r["PASSWORD_CLAIM_SECRET_BLOCK"]); err != nil {
		return nil, nil, "", api.ErrBadSession
	}
	if sig, err = base64.StdEncoding.DecodeString(r["PASSWORD_CLAIM_SIGNATURE"]); err != nil {
		return nil, nil, "", api.Errorf(api.ErrInvalidParameter, api.MsgClaimSignatureNotBase64)
	}
	ts = r["TIMESTAMP"]
	t, err := srp.ParseTimestamp(ts)
	if err != nil {
		return nil, nil, "", api.Errorf(api.ErrInvalidParameter, api.MsgTimestampFormat)
	}
	if d := e.now().Sub(t); d > timestampWindow || d < -timestampWindow {
		return nil, nil, "", api.Errorf(api.ErrNotAuthorized, api.MsgTimestampSkew)
	}
	return block, sig, ts, nil
}

// sealedScope is what every sealed SRP state names: its pool, its client
// and its expiry.
type sealedScope interface {
	scope() (pool, client string, expires int64)
}

func (st *SRPState) scope() (string, string, int64)       { return st.Pool, st.Client, st.Expires }
func (st *DeviceSRPState) scope() (string, string, int64) { return st.Pool, st.Client, st.Expires }

// openClaim reads the proof of a PASSWORD_VERIFIER or
// DEVICE_PASSWORD_VERIFIER answer and opens its SECRET_BLOCK, sealed under
// label, into st, which must be this client's and pool's and not expired
// (else the Session error: nothing tells a forger which check failed); it
// returns the proof's parts and the USERNAME answered.
func (e *Engine) openClaim(c Client, r map[string]string, label string, st sealedScope) (block, sig []byte, ts, name string, err error) {
	if block, sig, ts, err = e.claimFrom(r); err != nil {
		return nil, nil, "", "", err
	}
	plain, err := e.seal.OpenBytes(block, label)
	if err != nil || json.Unmarshal(plain, st) != nil {
		return nil, nil, "", "", api.ErrBadSession
	}
	if pool, client, expires := st.scope(); client != c.ID() || pool != c.PoolID() || e.now().Unix() >= expires {
		return nil, nil, "", "", api.ErrBadSession
	}
	if name = r["USERNAME"]; name == "" {
		return nil, nil, "", "", missing("USERNAME")
	}
	return block, sig, ts, name, nil
}

// srpVerify answers PASSWORD_VERIFIER.
func (e *Engine) srpVerify(ctx context.Context, c Client, r map[string]string) (*api.AuthOutput, error) {
	var st SRPState
	block, sig, ts, name, err := e.openClaim(c, r, seal.LabelSRP, &st)
	if err != nil {
		return nil, err
	}
	var u *store.User
	if st.Phantom {
		// The client answers with USER_ID_FOR_SRP or with the name it
		// typed, as for a real user; either names the phantom.
		if name != st.User && e.phantomName(c, name) != st.User {
			return nil, api.ErrBadSession
		}
		// The read a real user answering with USER_ID_FOR_SRP costs.
		if _, err := e.st.GetUser(ctx, c.PoolID(), c.CanonicalName(name)); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, internal(err)
		}
		u = e.phantom(c, st.User)
	} else if u, err = e.core.ResolveUser(ctx, c, name); err != nil {
		return nil, api.ErrBadSession
	}
	if u.Username != st.User {
		return nil, api.ErrBadSession
	}
	if err := c.CheckSecretHash(r["SECRET_HASH"], name, u.Username); err != nil {
		return nil, err
	}
	deviceKey := r["DEVICE_KEY"]
	if deviceKey == "" {
		deviceKey = st.DeviceKey
	}
	// An unknown device is refused before the state is spent: the JS
	// clients then resend the same proof without the key.
	if !st.Phantom {
		if _, err := e.core.UserDevice(ctx, u, deviceKey); err != nil {
			return nil, err
		}
	}
	if err := e.CheckLock(u); err != nil {
		return nil, err
	}
	if err := e.st.MarkUsed(ctx, "srp:"+st.ID, time.Unix(st.Expires, 0)); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, api.ErrBadSession
		}
		return nil, internal(err)
	}
	v, err := e.userVerifier(u)
	if err != nil {
		return nil, err
	}
	server, err := restoreServer(v, st.B, st.U)
	if err != nil {
		return nil, internal(err)
	}
	a, err := srp.ParseA(st.A)
	if err != nil {
		return nil, api.ErrBadSession
	}
	ok := server.Verify(a, srp.Claim{PoolName: SRPPoolName(u.PoolID), UserID: u.Username, SecretBlock: block, Timestamp: ts, Signature: sig})
	if st.Phantom {
		return nil, e.phantomFailure(ctx, c, api.ErrBadCredentials)
	}
	if err := CheckSignInState(u); err != nil {
		return nil, err
	}
	if !ok {
		return nil, e.failedSignIn(ctx, c, u, StepPassword, api.ErrBadCredentials)
	}
	if st.Custom != nil {
		return e.customPasswordVerified(ctx, c, u, st.Custom, deviceKey)
	}
	return e.afterPassword(ctx, c, u, e.now(), deviceKey)
}
