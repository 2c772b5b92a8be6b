package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/srp"
)

// workloadDef describes one workload: what its pool and users need, and one
// operation (a sign-in, a sign-up, a refresh...).
type workloadDef struct {
	doc     string
	mfaOn   bool // pool MFA ON (else OFF)
	devices bool // pool remembers devices; users get a confirmed device
	tokens  bool // users get tokens in set-up
	perUser bool // the operation acts as a pre-created user
	totp    bool // the operation spends a TOTP step of its user
	op      func(ctx context.Context, b *bench, w *worker, u *user) error
}

var workloads = map[string]workloadDef{
	"signup":   {doc: "SignUp of fresh usernames (MFA OFF pool; no users are pre-created)", op: opSignUp},
	"password": {doc: "USER_PASSWORD_AUTH → tokens (MFA OFF)", perUser: true, op: opPassword},
	"mfa":      {doc: "USER_PASSWORD_AUTH → SOFTWARE_TOKEN_MFA → tokens (MFA ON; one op = both calls)", mfaOn: true, perUser: true, totp: true, op: opMFA},
	"srp":      {doc: "USER_SRP_AUTH → PASSWORD_VERIFIER → tokens (MFA OFF)", perUser: true, op: opSRP},
	"device":   {doc: "USER_SRP_AUTH → PASSWORD_VERIFIER → DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER → tokens (MFA ON, remembered device)", mfaOn: true, devices: true, perUser: true, op: opDevice},
	"refresh":  {doc: "REFRESH_TOKEN_AUTH with the refresh token from set-up (MFA OFF)", tokens: true, perUser: true, op: opRefresh},
	"getuser":  {doc: "GetUser with the access token from set-up (MFA OFF)", tokens: true, perUser: true, op: opGetUser},
}

func workloadNames() string {
	var names []string
	for n := range workloads {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// worker is one concurrent client. Its counters are its own; they are
// summed when a phase ends.
type worker struct {
	calls    int64         // HTTP requests sent
	maths    time.Duration // client-side SRP and TOTP computation
	pickStep int64         // the TOTP step pickTOTP chose for this op
}

// timed runs f and adds its duration to the worker's client-maths time.
func (w *worker) timed(f func() error) error {
	t := time.Now()
	err := f()
	w.maths += time.Since(t)
	return err
}

func opSignUp(ctx context.Context, b *bench, w *worker, _ *user) error {
	name := fmt.Sprintf("bench-%s-s%d", b.runID, b.signups.Add(1))
	w.calls++
	var out struct{ UserSub string }
	if err := b.raw.call(ctx, "SignUp", map[string]any{"ClientId": b.clientID, "Username": name, "Password": b.cfg.Password}, &out); err != nil {
		return err
	}
	if out.UserSub == "" {
		return unexpected("SignUp without UserSub")
	}
	return nil
}

func (b *bench) passwordAuth(ctx context.Context, w *worker, u *user) (*authOutput, error) {
	w.calls++
	return b.raw.initiateAuth(ctx, initiateAuthInput{ClientId: b.clientID, AuthFlow: "USER_PASSWORD_AUTH",
		AuthParameters: map[string]string{"USERNAME": u.name, "PASSWORD": b.cfg.Password}})
}

func opPassword(ctx context.Context, b *bench, w *worker, u *user) error {
	out, err := b.passwordAuth(ctx, w, u)
	if err != nil {
		return err
	}
	_, err = wantTokens(out)
	return err
}

func opMFA(ctx context.Context, b *bench, w *worker, u *user) error {
	out, err := b.passwordAuth(ctx, w, u)
	if err != nil {
		return err
	}
	if err := wantChallenge(out, "SOFTWARE_TOKEN_MFA"); err != nil {
		return err
	}
	var code string
	w.timed(func() error {
		code, err = totpCode(u.secret, w.pickStep)
		// Spent whether or not the answer arrives: the server may have
		// recorded it.
		u.lastStep.Store(spentStep(u.secret, code, w.pickStep))
		return err
	})
	if err != nil {
		return err
	}
	w.calls++
	done, err := b.raw.respond(ctx, respondInput{ClientId: b.clientID, ChallengeName: "SOFTWARE_TOKEN_MFA", Session: out.Session,
		ChallengeResponses: map[string]string{"USERNAME": u.name, "SOFTWARE_TOKEN_MFA_CODE": code}})
	if err != nil {
		return err
	}
	_, err = wantTokens(done)
	return err
}

// srpPassword runs USER_SRP_AUTH and answers PASSWORD_VERIFIER, sending
// deviceKey with the proof when it is set; it returns the answer to the
// proof. The client's exponentiations are timed as client maths.
func (b *bench) srpPassword(ctx context.Context, w *worker, u *user, deviceKey string) (*authOutput, error) {
	var cl *srp.Client
	if err := w.timed(func() (err error) { cl, err = srp.NewClient(); return err }); err != nil {
		return nil, err
	}
	w.calls++
	ch, err := b.raw.initiateAuth(ctx, initiateAuthInput{ClientId: b.clientID, AuthFlow: "USER_SRP_AUTH",
		AuthParameters: map[string]string{"USERNAME": u.name, "SRP_A": cl.PublicHex()}})
	if err != nil {
		return nil, err
	}
	if err := wantChallenge(ch, "PASSWORD_VERIFIER"); err != nil {
		return nil, err
	}
	p := ch.ChallengeParameters
	var resp srp.Response
	if err := w.timed(func() (err error) {
		resp, err = cl.Respond(srp.Challenge{PoolName: b.poolName, UserID: p["USER_ID_FOR_SRP"], Salt: p["SALT"], B: p["SRP_B"],
			SecretBlock: p["SECRET_BLOCK"]}, b.cfg.Password, b.cfg.Now())
		return err
	}); err != nil {
		return nil, unexpected("SRP challenge: %v", err)
	}
	r := map[string]string{"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": resp.SecretBlock,
		"PASSWORD_CLAIM_SIGNATURE": resp.Signature, "TIMESTAMP": resp.Timestamp}
	if deviceKey != "" {
		r["DEVICE_KEY"] = deviceKey
	}
	w.calls++
	return b.raw.respond(ctx, respondInput{ClientId: b.clientID, ChallengeName: "PASSWORD_VERIFIER", Session: ch.Session, ChallengeResponses: r})
}

func opSRP(ctx context.Context, b *bench, w *worker, u *user) error {
	out, err := b.srpPassword(ctx, w, u, "")
	if err != nil {
		return err
	}
	_, err = wantTokens(out)
	return err
}

func opDevice(ctx context.Context, b *bench, w *worker, u *user) error {
	out, err := b.srpPassword(ctx, w, u, u.deviceKey)
	if err != nil {
		return err
	}
	if err := wantChallenge(out, "DEVICE_SRP_AUTH"); err != nil {
		return err
	}
	var cl *srp.Client
	if err := w.timed(func() (err error) { cl, err = srp.NewClient(); return err }); err != nil {
		return err
	}
	w.calls++
	ch, err := b.raw.respond(ctx, respondInput{ClientId: b.clientID, ChallengeName: "DEVICE_SRP_AUTH", Session: out.Session,
		ChallengeResponses: map[string]string{"USERNAME": u.name, "DEVICE_KEY": u.deviceKey, "SRP_A": cl.PublicHex()}})
	if err != nil {
		return err
	}
	if err := wantChallenge(ch, "DEVICE_PASSWORD_VERIFIER"); err != nil {
		return err
	}
	p := ch.ChallengeParameters
	var resp srp.Response
	if err := w.timed(func() (err error) {
		resp, err = cl.Respond(srp.Challenge{PoolName: u.deviceGroup, UserID: u.deviceKey, Salt: p["SALT"], B: p["SRP_B"],
			SecretBlock: p["SECRET_BLOCK"]}, u.deviceSecret.Password, b.cfg.Now())
		return err
	}); err != nil {
		return unexpected("device SRP challenge: %v", err)
	}
	w.calls++
	done, err := b.raw.respond(ctx, respondInput{ClientId: b.clientID, ChallengeName: "DEVICE_PASSWORD_VERIFIER", Session: ch.Session,
		ChallengeResponses: map[string]string{"USERNAME": u.name, "DEVICE_KEY": u.deviceKey, "PASSWORD_CLAIM_SECRET_BLOCK": resp.SecretBlock,
			"PASSWORD_CLAIM_SIGNATURE": resp.Signature, "TIMESTAMP": resp.Timestamp}})
	if err != nil {
		return err
	}
	_, err = wantTokens(done)
	return err
}

func opRefresh(ctx context.Context, b *bench, w *worker, u *user) error {
	w.calls++
	out, err := b.raw.initiateAuth(ctx, initiateAuthInput{ClientId: b.clientID, AuthFlow: "REFRESH_TOKEN_AUTH",
		AuthParameters: map[string]string{"REFRESH_TOKEN": u.refresh}})
	if err != nil {
		return err
	}
	_, err = wantTokens(out)
	return err
}

func opGetUser(ctx context.Context, b *bench, w *worker, u *user) error {
	w.calls++
	var out struct{ Username string }
	if err := b.raw.call(ctx, "GetUser", map[string]string{"AccessToken": u.access}, &out); err != nil {
		return err
	}
	if out.Username != u.name {
		return unexpected("GetUser answered for %q", out.Username)
	}
	return nil
}
