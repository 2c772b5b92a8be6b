package signin

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store"
)

// Session is the state of a sign-in between two calls. It travels to the
// client sealed (AEAD), so any node can continue a sign-in another began;
// only the fact that it was spent is kept in the store.
type Session struct {
	ID        string `json:"i"`
	Pool      string `json:"p"`
	Client    string `json:"c"`
	User      string `json:"u"` // canonical username
	Challenge string `json:"ch"`
	Stage     string `json:"st,omitempty"` // MFA_SETUP: "", "associated", "verified"
	Expires   int64  `json:"e"`
	AuthTime  int64  `json:"at"`
	DeviceKey string `json:"dk,omitempty"`
	// Ticket names the device ticket of a DEVICE_SRP_AUTH session; the
	// device proof's own state travels in its SECRET_BLOCK, as
	// PASSWORD_VERIFIER's does.
	Ticket string `json:"tk,omitempty"`
	// Custom is the state of a CUSTOM_AUTH sign-in (customauth.go).
	Custom *CustomState `json:"cu,omitempty"`
	// Code is the keyed hash of the code an SMS_MFA or EMAIL_OTP session
	// sent (codemfa.go): the code lives no longer than its Session.
	Code []byte `json:"cd,omitempty"`
	// Passkey is the state a WEB_AUTHN session's answer is checked
	// against (its challenge, relying party and the user's credentials).
	Passkey []byte `json:"pk,omitempty"`
	// SetupEmail is the address an EMAIL_OTP session of MFA set-up sent
	// its code to (mfasetup.go): the user's email and email MFA once the
	// code comes back.
	SetupEmail string `json:"se,omitempty"`
}

// The stages of an MFA_SETUP session.
const (
	StageAssociated = "associated"
	StageVerified   = "verified"
)

// SRPState is the server's half of a USER_SRP_AUTH exchange. It travels
// sealed inside SECRET_BLOCK, because some clients answer PASSWORD_VERIFIER
// without the Session; a one-time mark in the store makes it single-use.
type SRPState struct {
	ID        string `json:"i"`
	Pool      string `json:"p"`
	Client    string `json:"c"`
	User      string `json:"u"`
	A         string `json:"A"`
	B         []byte `json:"b"`
	U         []byte `json:"s,omitempty"` // H(PAD(A) ‖ PAD(B)): B need not be recomputed (nil from older nodes: it is)
	Expires   int64  `json:"e"`
	DeviceKey string `json:"dk,omitempty"`
	Phantom   bool   `json:"ph,omitempty"` // an unknown user, hidden
	// Custom is the CUSTOM_AUTH sign-in this proof is a step of.
	Custom *CustomState `json:"cu,omitempty"`
}

// DeviceSRPState is the server's half of a device SRP exchange. Like
// SRPState it travels sealed inside SECRET_BLOCK, so
// DEVICE_PASSWORD_VERIFIER needs no Session; a one-time mark in the store
// makes it single-use.
type DeviceSRPState struct {
	ID        string `json:"i"`
	Pool      string `json:"p"`
	Client    string `json:"c"`
	User      string `json:"u"`
	DeviceKey string `json:"dk"`
	A         string `json:"A"`
	B         []byte `json:"b"`
	U         []byte `json:"s,omitempty"` // as in SRPState
	Expires   int64  `json:"e"`
	AuthTime  int64  `json:"at"`
}

// States seals and opens the sign-in's Session, and spends it once.
type States struct {
	Sealer *seal.Sealer
	Store  store.Store
	Now    func() time.Time
}

// Seal returns the sealed text of a session, for the client to carry.
func (k *States) Seal(ss *Session) string {
	b, _ := json.Marshal(ss)
	return k.Sealer.SealString(b, seal.LabelSession)
}

// Open opens a session text and checks it has not expired. The caller
// checks client and challenge.
func (k *States) Open(text string) (*Session, error) {
	if text == "" {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgMissingParameter, "Session")
	}
	b, err := k.Sealer.OpenString(text, seal.LabelSession)
	if err != nil {
		return nil, api.ErrBadSession
	}
	var ss Session
	if err := json.Unmarshal(b, &ss); err != nil {
		return nil, api.ErrBadSession
	}
	if k.Now().Unix() >= ss.Expires {
		return nil, api.ErrBadSession
	}
	return &ss, nil
}

// Spend marks a session used, so that it yields tokens once only.
func (k *States) Spend(ctx context.Context, ss *Session) error {
	err := k.Store.MarkUsed(ctx, "session:"+ss.ID, time.Unix(ss.Expires, 0))
	if errors.Is(err, store.ErrExists) {
		return api.ErrBadSession
	}
	if err != nil {
		return api.Internal(err)
	}
	return nil
}
