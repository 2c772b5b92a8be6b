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
	"github.com/cognate-idp/cognate/internal/triggers"
)

// deviceSRPChallenge answers DEVICE_SRP_AUTH: a remembered device proves
// itself in place of an MFA code. With a Session, the session's device
// ticket is taken; without one (AWS's examples, pycognito), the newest
// ticket of the user, device and client stands in for the Session.
type deviceSRPChallenge struct{}

func (deviceSRPChallenge) respond(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error) {
	if req.session == "" {
		return e.sessionlessDeviceSRP(ctx, req.client, req.params)
	}
	return sessionStep(deviceSRPStep).respond(ctx, e, req)
}

func deviceSRPStep(ctx context.Context, e *Engine, req *request, ss *Session, u *store.User) (*api.AuthOutput, error) {
	if req.params["DEVICE_KEY"] != ss.DeviceKey {
		return nil, api.ErrBadSession
	}
	t, err := e.TakeDeviceTicket(ctx, req.client, u, ss.DeviceKey, ss.Ticket)
	if err != nil {
		return nil, err
	}
	return e.deviceSRPAuth(ctx, req.client, u, t, req.params)
}

// devicePasswordChallenge answers DEVICE_PASSWORD_VERIFIER, with or without
// the Session: its state travels in the sealed secret block.
type devicePasswordChallenge struct{}

func (devicePasswordChallenge) respond(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error) {
	return e.devicePasswordVerify(ctx, req.client, req.params)
}

// sessionlessDeviceSRP answers DEVICE_SRP_AUTH sent without a Session: only
// a device ticket of this user, device and client, left by a password step
// moments ago, lets it go on. Every refusal is the same bad-session answer,
// whether the user, the device or the ticket is missing.
func (e *Engine) sessionlessDeviceSRP(ctx context.Context, c Client, r map[string]string) (*api.AuthOutput, error) {
	for _, k := range []string{"USERNAME", "DEVICE_KEY", "SRP_A"} {
		if r[k] == "" {
			return nil, missing(k)
		}
	}
	u, err := e.core.ResolveUser(ctx, c, r["USERNAME"])
	if api.IsCode(err, api.ErrUserNotFound) {
		// The secret hash is checked as for a real user, so that the
		// answers do not tell who exists.
		if err := c.CheckSecretHash(r["SECRET_HASH"], r["USERNAME"]); err != nil {
			return nil, err
		}
		return nil, api.ErrBadSession
	}
	if err != nil {
		return nil, err
	}
	if err := c.CheckSecretHash(r["SECRET_HASH"], r["USERNAME"], u.Username); err != nil {
		return nil, err
	}
	// The ticket first: without one, a disabled user is not told apart.
	t, err := e.TakeDeviceTicket(ctx, c, u, r["DEVICE_KEY"], "")
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgUserDisabled)
	}
	return e.deviceSRPAuth(ctx, c, u, t, r)
}

// deviceSRPAuth answers DEVICE_SRP_AUTH once its ticket is taken: the device
// starts its own SRP exchange with the verifier it gave at ConfirmDevice.
func (e *Engine) deviceSRPAuth(ctx context.Context, c Client, u *store.User, t *store.DeviceTicket, r map[string]string) (*api.AuthOutput, error) {
	if r["SRP_A"] == "" {
		return nil, missing("SRP_A")
	}
	a, err := srp.ParseA(r["SRP_A"])
	if err != nil {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgSRPAInvalid)
	}
	d, err := e.core.UserDevice(ctx, u, t.DeviceKey)
	if err != nil {
		return nil, err
	}
	v, err := e.seal.Decrypt(d.Verifier, seal.LabelDevice(d.PoolID, d.Key))
	if err != nil {
		return nil, internal(err)
	}
	server, err := srp.NewServer(v)
	if err != nil {
		return nil, internal(err)
	}
	st := DeviceSRPState{ID: randomToken(12), Pool: c.PoolID(), Client: c.ID(), User: u.Username, DeviceKey: d.Key,
		A: r["SRP_A"], B: server.Secret(), U: server.Scramble(a), Expires: e.now().Add(c.SessionValidity()).Unix(), AuthTime: t.AuthTime.Unix()}
	b, _ := json.Marshal(st)
	block := base64.StdEncoding.EncodeToString(e.seal.SealBytes(b, seal.LabelDeviceSRP))
	ss := e.newSession(c, u, ChallengeDevicePassword, t.AuthTime)
	ss.DeviceKey = d.Key
	return &api.AuthOutput{ChallengeName: ChallengeDevicePassword, Session: e.states.Seal(ss), ChallengeParameters: map[string]string{
		"SRP_B": server.PublicHex(), "SALT": hex.EncodeToString(d.Salt), "SECRET_BLOCK": block,
		"USERNAME": u.Username, "DEVICE_KEY": d.Key,
	}}, nil
}

// devicePasswordVerify answers DEVICE_PASSWORD_VERIFIER, with or without
// the Session: the state comes from the sealed SECRET_BLOCK. A right proof
// ends the sign-in without an MFA code.
func (e *Engine) devicePasswordVerify(ctx context.Context, c Client, r map[string]string) (*api.AuthOutput, error) {
	var st DeviceSRPState
	block, sig, ts, name, err := e.openClaim(c, r, seal.LabelDeviceSRP, &st)
	if err != nil {
		return nil, err
	}
	u, err := e.core.ResolveUser(ctx, c, name)
	if err != nil || u.Username != st.User || r["DEVICE_KEY"] != st.DeviceKey {
		return nil, api.ErrBadSession
	}
	if err := c.CheckSecretHash(r["SECRET_HASH"], name, u.Username); err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgUserDisabled)
	}
	if err := e.CheckLock(u); err != nil {
		return nil, err
	}
	if err := e.st.MarkUsed(ctx, "devsrp:"+st.ID, time.Unix(st.Expires, 0)); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, api.ErrBadSession
		}
		return nil, internal(err)
	}
	d, err := e.core.UserDevice(ctx, u, st.DeviceKey)
	if err != nil {
		return nil, err
	}
	v, err := e.seal.Decrypt(d.Verifier, seal.LabelDevice(d.PoolID, d.Key))
	if err != nil {
		return nil, internal(err)
	}
	server, err := restoreServer(v, st.B, st.U)
	if err != nil {
		return nil, internal(err)
	}
	a, err := srp.ParseA(st.A)
	if err != nil {
		return nil, api.ErrBadSession
	}
	if !server.Verify(a, srp.Claim{PoolName: u.DeviceGroupKey, UserID: d.Key, SecretBlock: block, Timestamp: ts, Signature: sig}) {
		return nil, e.failedSignIn(ctx, c, u, StepMFA, api.ErrBadCredentials)
	}
	ctx = withTokenSource(ctx, triggers.SourceTokenAuthenticateDevice)
	return e.complete(ctx, c, u, time.Unix(st.AuthTime, 0), d.Key, true)
}
