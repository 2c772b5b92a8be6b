package signin

import (
	"context"
	"errors"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/tokens"
)

// User statuses the sign-in tells apart (as store.User.Status holds them).
const (
	StatusUnconfirmed   = "UNCONFIRMED"
	StatusConfirmed     = "CONFIRMED"
	StatusForceChange   = "FORCE_CHANGE_PASSWORD"
	StatusResetRequired = "RESET_REQUIRED"
)

// Client is an app client with its pool, as the user core loaded it for
// one sign-in request.
type Client interface {
	ID() string
	PoolID() string
	// CheckSecretHash checks a SECRET_HASH against each name the caller
	// may have hashed (the typed name, the canonical one).
	CheckSecretHash(given string, names ...string) error
	// Allows reports whether the client's ExplicitAuthFlows hold any of
	// flows.
	Allows(flows ...string) bool
	// SessionValidity is the client's AuthSessionValidity.
	SessionValidity() time.Duration
	// PreventExistence is PreventUserExistenceErrors ENABLED.
	PreventExistence() bool
	// RefreshAuthAllowed refuses REFRESH_TOKEN_AUTH on a client that
	// rotates refresh tokens.
	RefreshAuthAllowed() error
	// CanonicalName is a typed user name as the pool stores it.
	CanonicalName(typed string) string
	// SignsInByAttribute reports whether the pool's users sign in by email
	// or phone (UsernameAttributes) and are known by a UUID.
	SignsInByAttribute() bool
	// MFAConfiguration is the pool's: OFF, OPTIONAL or ON.
	MFAConfiguration() string
	// SoftwareTokenMFA reports whether the pool offers TOTP.
	SoftwareTokenMFA() bool
	// SMSMFA and EmailMFA report whether the pool offers codes by text
	// message and by email as MFA (SmsMfaConfiguration,
	// EmailMfaConfiguration).
	SMSMFA() bool
	EmailMFA() bool
	// PasskeyMFA reports whether a passkey that verified the user counts
	// as two factors (WebAuthnConfiguration.FactorConfiguration
	// MULTI_FACTOR_WITH_USER_VERIFICATION).
	PasskeyMFA() bool
	// AllowedFirstFactors is the pool's
	// Policies.SignInPolicy.AllowedFirstAuthFactors (PASSWORD when unset).
	AllowedFirstFactors() []string
	// KeepsAuthEvents reports whether the pool keeps a sign-in history.
	KeepsAuthEvents() bool
}

// Core is what the sign-in needs of the user core (package idp).
type Core interface {
	// ResolveUser finds the user a sign-in names: by user name, alias or
	// sign-in attribute; api.ErrUserNotFound when there is none.
	ResolveUser(ctx context.Context, c Client, name string) (*store.User, error)
	// UpdateUser applies fn to the stored user and returns the result.
	UpdateUser(ctx context.Context, u *store.User, fn func(*store.User) error) (*store.User, error)
	PasswordMatches(u *store.User, pw string) (bool, error)
	// UserDevice returns the user's device with key (nil for ""), or
	// Cognito's error for a device that is not the user's.
	UserDevice(ctx context.Context, u *store.User, key string) (*store.Device, error)
	// DeviceReplacesMFA reports whether the device proves itself in place
	// of an MFA code.
	DeviceReplacesMFA(ctx context.Context, c Client, u *store.User, key string) (bool, error)
	// NewDevice names a new device for a sign-in that named none (nil when
	// the pool tracks no devices).
	NewDevice(ctx context.Context, c Client, u *store.User) (*api.NewDeviceMetadata, error)
	// PreTokenGeneration runs the pool's pre token generation trigger, if
	// it has one, for a sign-in about to get tokens (source is the trigger
	// source): its refusal ends the sign-in before anything is stored, and
	// its answer goes to IssueTokens.
	PreTokenGeneration(ctx context.Context, c Client, u *store.User, source string) (*tokens.Customization, error)
	// IssueTokens issues the tokens of a completed sign-in, with a refresh
	// token, changed as custom says.
	IssueTokens(ctx context.Context, c Client, u *store.User, authTime time.Time, deviceKey string, custom *tokens.Customization) (*api.AuthenticationResult, error)
	// Refresh issues tokens from a refresh token (REFRESH_TOKEN_AUTH).
	Refresh(ctx context.Context, c Client, raw, secretHash string) (*api.AuthenticationResult, error)
	// MissingRequired lists the pool's required attributes attrs lacks.
	MissingRequired(c Client, attrs map[string]string) []string
	// NewPasswordAttributes checks an answer to NEW_PASSWORD_REQUIRED (the
	// password, the attributes given as userAttributes.<name>) and returns
	// the attributes to set.
	NewPasswordAttributes(c Client, u *store.User, pw string, r map[string]string) (map[string]string, error)
	// SetNewPassword makes pw the user's own password, with attrs, and
	// confirms the user.
	SetNewPassword(ctx context.Context, c Client, u *store.User, pw string, attrs map[string]string) (*store.User, error)

	// BeforeAuthentication runs the pool's PreAuthentication trigger for a
	// sign-in about to check u's password (phantom: u stands in for an
	// unknown user); its error refuses the sign-in.
	BeforeAuthentication(ctx context.Context, c Client, u *store.User, phantom bool) error
	// AfterAuthentication runs the pool's PostAuthentication trigger for a
	// completed sign-in, before tokens (newDevice: the sign-in named no
	// device); its error fails the sign-in.
	AfterAuthentication(ctx context.Context, c Client, u *store.User, newDevice bool) error
	// MigrateUser asks the pool's UserMigration trigger for a user a
	// password sign-in names and the pool does not have, and creates them
	// with that password; nil, nil when the pool has no such trigger.
	MigrateUser(ctx context.Context, c Client, name, password string) (*store.User, error)
	// CustomAuthReady refuses CUSTOM_AUTH in a pool without a
	// DefineAuthChallenge function.
	CustomAuthReady(c Client) error
	// DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallenge call
	// the pool's custom challenge triggers for u (a phantom when
	// r.UserNotFound).
	DefineAuthChallenge(ctx context.Context, c Client, u *store.User, r *CustomAuthRequest) (*DefineAnswer, error)
	CreateAuthChallenge(ctx context.Context, c Client, u *store.User, r *CustomAuthRequest, challenge string) (*CreatedChallenge, error)
	VerifyAuthChallenge(ctx context.Context, c Client, u *store.User, r *CustomAuthRequest, private map[string]string, answer string) (bool, error)
	// DeliverMFACode sends an MFA code to u by medium (SMS or EMAIL), with
	// the pool's MFA message (or its CustomMessage_Authentication), and
	// returns the destination masked as Cognito shows it. A failed sending
	// is Cognito's error, with nothing stored.
	DeliverMFACode(ctx context.Context, c Client, u *store.User, medium, code string) (string, error)
	// CheckSetupEmail checks an address MFA set-up is to make u's email:
	// well formed, and no other user's sign-in address.
	CheckSetupEmail(ctx context.Context, c Client, u *store.User, email string) error
	// BeginPasskey returns the passkey request options for u
	// (CREDENTIAL_REQUEST_OPTIONS) and the state the answer is checked
	// against; FinishPasskey checks the answer (CREDENTIAL), stores the
	// credential's new sign counter, and reports whether the authenticator
	// verified the user. Their failures are Cognito's errors.
	BeginPasskey(ctx context.Context, c Client, u *store.User) (options, state []byte, err error)
	FinishPasskey(ctx context.Context, c Client, u *store.User, state, answer []byte) (userVerified bool, err error)
}

// Config is what an Engine needs.
type Config struct {
	Core   Core
	Sealer *seal.Sealer
	Store  store.Store
	Now    func() time.Time
	// Observer, when set, is told how each sign-in step ends.
	Observer Observer
}

// Engine runs the sign-in: InitiateAuth and RespondToAuthChallenge.
type Engine struct {
	core   Core
	seal   *seal.Sealer
	st     store.Store
	now    func() time.Time
	states *States

	observer Observer
}

// New returns an Engine.
func New(c Config) *Engine {
	return &Engine{core: c.Core, seal: c.Sealer, st: c.Store, now: c.Now, observer: c.Observer,
		states: &States{Sealer: c.Sealer, Store: c.Store, Now: c.Now}}
}

// States is the engine's sealer of sign-in state (MFA set-up continues a
// Session outside RespondToAuthChallenge).
func (e *Engine) States() *States { return e.states }

// request is one InitiateAuth or RespondToAuthChallenge call, as the flow
// and challenge handlers see it.
type request struct {
	client    Client
	operation string            // InitiateAuth or AdminInitiateAuth (flows are each one's)
	params    map[string]string // AuthParameters or ChallengeResponses, null and empty members dropped
	// challenge and session are RespondToAuthChallenge's ChallengeName and
	// Session ("" when none was sent); session is also InitiateAuth's
	// Session, for USER_AUTH after ConfirmSignUp.
	challenge, session string
}

// flow starts a sign-in: the handler of one InitiateAuth AuthFlow.
type flow interface {
	initiate(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error)
}

// challengeHandler answers one challenge of RespondToAuthChallenge. A
// handler whose state travels in the sealed Session is a sessionStep; the
// others (PASSWORD_VERIFIER, DEVICE_PASSWORD_VERIFIER, a sessionless
// DEVICE_SRP_AUTH) find their state themselves.
type challengeHandler interface {
	respond(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error)
}

// flows and challenges are the sign-in's tables: a new way to sign in is a
// new entry and a new file, not an edit of a switch.
var (
	flows = map[string]flow{
		"USER_PASSWORD_AUTH":       passwordFlow{operation: opInitiate},
		"ADMIN_USER_PASSWORD_AUTH": passwordFlow{operation: opAdminInitiate},
		"ADMIN_NO_SRP_AUTH":        passwordFlow{operation: opAdminInitiate},
		"REFRESH_TOKEN_AUTH":       refreshFlow{},
		"REFRESH_TOKEN":            refreshFlow{},
		"USER_SRP_AUTH":            srpFlow{},
		"CUSTOM_AUTH":              customFlow{},
		"USER_AUTH":                userAuthFlow{},
	}
	challenges = map[string]challengeHandler{
		ChallengePasswordVerify: passwordVerifierChallenge{},
		ChallengeDevicePassword: devicePasswordChallenge{},
		ChallengeDeviceSRP:      deviceSRPChallenge{},
		ChallengeTOTP:           sessionStep(totpStep),
		ChallengeMFASetup:       sessionStep(mfaSetupStep),
		ChallengeNewPassword:    sessionStep(newPasswordStep),
		ChallengeCustom:         customChallengeHandler{},
		ChallengeSMSMFA:         sessionStep(codeMFAStep),
		ChallengeEmailOTP:       sessionStep(codeMFAStep),
		ChallengeSelectMFA:      sessionStep(selectMFAStep),
		ChallengeSelect:         selectChallenge{},
		ChallengeSMSOTP:         sessionStep(codeMFAStep),
		ChallengeWebAuthn:       sessionStep(webAuthnStep),
		FactorPassword:          passwordFactor{},
		FactorPasswordSRP:       passwordFactor{},
	}
)

// unsupportedChallenge answers a challenge Cognate does not know, after the
// same checks of the Session as a known one.
var unsupportedChallenge = sessionStep(func(_ context.Context, _ *Engine, req *request, _ *Session, _ *store.User) (*api.AuthOutput, error) {
	return nil, api.Errorf(api.ErrInvalidParameter, api.MsgChallengeNotSupported, req.challenge)
})

// params drops null and empty members: clients send DEVICE_KEY: null.
func params(m map[string]*string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if v != nil && *v != "" {
			out[k] = *v
		}
	}
	return out
}

func missing(name string) error {
	return api.Errorf(api.ErrInvalidParameter, api.MsgMissingParameter, name)
}

// internal turns an unexpected error into InternalErrorException, keeping
// domain errors as they are.
func internal(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := api.As(err); ok {
		return err
	}
	return api.Internal(err)
}

// The operations that start a sign-in; some flows belong to one of them.
const (
	opInitiate      = "InitiateAuth"
	opAdminInitiate = "AdminInitiateAuth"
)

// Initiate answers InitiateAuth for the client the caller loaded: the
// AuthFlow's handler starts the sign-in.
// session is the request's Session member (a USER_AUTH sign-in straight
// after ConfirmSignUp, signup.go); other flows ignore it.
func (e *Engine) Initiate(ctx context.Context, c Client, authFlow string, authParameters map[string]*string, session string) (*api.AuthOutput, error) {
	return e.initiate(ctx, c, opInitiate, authFlow, authParameters, session)
}

// AdminInitiate answers AdminInitiateAuth for the client the caller loaded
// (the pool the request names is the client's).
func (e *Engine) AdminInitiate(ctx context.Context, c Client, authFlow string, authParameters map[string]*string, session string) (*api.AuthOutput, error) {
	return e.initiate(ctx, c, opAdminInitiate, authFlow, authParameters, session)
}

func (e *Engine) initiate(ctx context.Context, c Client, operation, authFlow string, authParameters map[string]*string, session string) (*api.AuthOutput, error) {
	f, ok := flows[authFlow]
	if !ok {
		if e.observer != nil {
			e.observer.SignIn("unknown", ResultError)
		}
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgAuthFlowNotSupported, authFlow)
	}
	return e.observe(ctx, authFlow, func(ctx context.Context) (*api.AuthOutput, error) {
		return f.initiate(ctx, e, &request{client: c, operation: operation, params: params(authParameters), session: session})
	})
}

// Respond answers RespondToAuthChallenge and AdminRespondToAuthChallenge
// alike: the challenge's handler answers.
func (e *Engine) Respond(ctx context.Context, c Client, challenge, session string, responses map[string]*string) (*api.AuthOutput, error) {
	h, ok := challenges[challenge]
	flow := challenge
	if !ok {
		h, flow = unsupportedChallenge, "unknown"
	}
	return e.observe(ctx, flow, func(ctx context.Context) (*api.AuthOutput, error) {
		return h.respond(ctx, e, &request{client: c, params: params(responses), challenge: challenge, session: session})
	})
}

// signInUser resolves the user named by a sign-in request, checks the
// client's secret hash, and returns the user or the error Cognito gives.
// When the client hides user existence, an unknown name gets a phantom user
// (phantom true) that goes through the same work and always fails.
func (e *Engine) signInUser(ctx context.Context, c Client, p map[string]string) (u *store.User, phantom bool, err error) {
	name := p["USERNAME"]
	if name == "" {
		return nil, false, missing("USERNAME")
	}
	u, err = e.core.ResolveUser(ctx, c, name)
	if err != nil {
		if api.IsCode(err, api.ErrUserNotFound) {
			if err := c.CheckSecretHash(p["SECRET_HASH"], name); err != nil {
				return nil, false, err
			}
			if c.PreventExistence() {
				return e.phantom(c, e.phantomName(c, name)), true, nil
			}
		}
		return nil, false, err
	}
	if err := c.CheckSecretHash(p["SECRET_HASH"], name, u.Username); err != nil {
		return nil, false, err
	}
	return u, false, nil
}

// beforeAuthentication runs PreAuthentication for a sign-in that named u
// (a phantom when phantom), before its password is checked: at InitiateAuth
// for USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH and USER_SRP_AUTH (the
// one call whose ClientMetadata Cognito gives it). CUSTOM_AUTH calls it at
// InitiateAuth too, once the user is resolved.
func (e *Engine) beforeAuthentication(ctx context.Context, c Client, u *store.User, phantom bool) error {
	return e.core.BeforeAuthentication(ctx, c, u, phantom)
}

// CheckSignInState refuses users who may not sign in whatever the password:
// Cognito answers UserNotConfirmedException even for a wrong password.
func CheckSignInState(u *store.User) error {
	if !u.Enabled {
		return api.Errorf(api.ErrNotAuthorized, api.MsgUserDisabled)
	}
	switch u.Status {
	case StatusUnconfirmed:
		return api.Errorf(api.ErrUserNotConfirmed, api.MsgUserNotConfirmed)
	case StatusResetRequired:
		return api.Errorf(api.ErrPasswordResetRequired, api.MsgPasswordResetRequired)
	}
	return nil
}

// newSession starts a session for challenge, valid for the client's
// AuthSessionValidity.
func (e *Engine) newSession(c Client, u *store.User, challenge string, authTime time.Time) *Session {
	return &Session{ID: randomToken(12), Pool: c.PoolID(), Client: c.ID(), User: u.Username, Challenge: challenge,
		Expires: e.now().Add(c.SessionValidity()).Unix(), AuthTime: authTime.Unix()}
}

// afterPassword decides what follows a correct password: device SRP for a
// remembered device, an MFA challenge, MFA set-up, or tokens.
func (e *Engine) afterPassword(ctx context.Context, c Client, u *store.User, authTime time.Time, deviceKey string) (*api.AuthOutput, error) {
	if u.Status == StatusForceChange {
		return e.newPasswordChallenge(c, u, authTime, deviceKey)
	}
	remembered, err := e.core.DeviceReplacesMFA(ctx, c, u, deviceKey)
	if err != nil {
		return nil, err
	}
	challenge := ChallengeDeviceSRP // a remembered device proves itself instead of an MFA code
	if !remembered {
		if challenge, err = mfaChallenge(c, u); err != nil {
			return nil, err
		}
	}
	if challenge == "" {
		return e.complete(ctx, c, u, authTime, deviceKey, false)
	}
	return e.secondStep(ctx, c, u, challenge, authTime, deviceKey)
}

// secondStep gives the challenge that follows a right password: device
// SRP, an MFA code (TOTP, or one sent by SMS or email), the choice of
// factor, or MFA set-up.
func (e *Engine) secondStep(ctx context.Context, c Client, u *store.User, challenge string, authTime time.Time, deviceKey string) (*api.AuthOutput, error) {
	var err error
	ss := e.newSession(c, u, challenge, authTime)
	ss.DeviceKey = deviceKey
	cp := map[string]string{"USER_ID_FOR_SRP": u.Username}
	switch challenge {
	case ChallengeDeviceSRP:
		if ss.Ticket, err = e.IssueDeviceTicket(ctx, c, u, deviceKey, authTime); err != nil {
			return nil, err
		}
	case ChallengeMFASetup:
		cp["MFAS_CAN_SETUP"] = jsonList(setupFactors(c))
	case ChallengeSelectMFA:
		choices := mfaFactors(c, u)
		cp["MFAS_CAN_CHOOSE"] = jsonList(choices)
	case ChallengeSMSMFA, ChallengeEmailOTP:
		if err := e.sendMFACode(ctx, c, u, ss, cp); err != nil {
			return nil, err
		}
	}
	return &api.AuthOutput{ChallengeName: challenge, Session: e.states.Seal(ss), ChallengeParameters: cp}, nil
}

// complete ends a sign-in with tokens; mfa says whether a second factor
// was proved. A sign-in that named no device gets a new one when the pool
// tracks devices.
//
// The pre token generation trigger runs after the sign-in is recorded and
// before the device and the refresh token are stored, so that its refusal
// leaves neither behind.
func (e *Engine) complete(ctx context.Context, c Client, u *store.User, authTime time.Time, deviceKey string, mfa bool) (*api.AuthOutput, error) {
	// PostAuthentication first, before anything of the sign-in is written
	// (device, failure count, history): its refusal leaves the user as the
	// proofs already checked left them. Cognito runs it before pre token
	// generation.
	if err := e.core.AfterAuthentication(ctx, c, u, deviceKey == ""); err != nil {
		return nil, err
	}
	if err := e.recordSuccess(ctx, u); err != nil {
		return nil, err
	}
	if err := e.signedIn(ctx, c, u, mfa); err != nil {
		return nil, err
	}
	custom, err := e.core.PreTokenGeneration(ctx, c, u, tokenSource(ctx))
	if err != nil {
		return nil, err
	}
	var meta *api.NewDeviceMetadata
	if deviceKey == "" {
		if meta, err = e.core.NewDevice(ctx, c, u); err != nil {
			return nil, err
		}
		if meta != nil {
			deviceKey = meta.DeviceKey
		}
	} else {
		_, err := e.st.UpdateDevice(ctx, u.PoolID, deviceKey, func(d *store.Device) error {
			d.LastAuthenticated = e.now()
			if ip := ClientIP(ctx); ip != "" {
				d.LastIP = ip
			}
			return nil
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, internal(err)
		}
	}
	res, err := e.core.IssueTokens(ctx, c, u, authTime, deviceKey, custom)
	if err != nil {
		return nil, err
	}
	res.NewDeviceMetadata = meta
	return &api.AuthOutput{ChallengeParameters: map[string]string{}, AuthenticationResult: res}, nil
}

// sessionStep is a challenge answered within its sealed Session: before
// the step runs, the Session is opened and checked against the client and
// the challenge, and the user it names is resolved, with the secret hash
// checked and the user enabled.
type sessionStep func(ctx context.Context, e *Engine, req *request, ss *Session, u *store.User) (*api.AuthOutput, error)

func (step sessionStep) respond(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error) {
	c, r := req.client, req.params
	ss, err := e.openSession(req)
	if err != nil {
		return nil, err
	}
	name := r["USERNAME"]
	if name == "" {
		return nil, missing("USERNAME")
	}
	u, err := e.core.ResolveUser(ctx, c, name)
	if err != nil || u.Username != ss.User {
		return nil, api.ErrBadSession
	}
	if err := c.CheckSecretHash(r["SECRET_HASH"], name, u.Username); err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgUserDisabled)
	}
	return step(ctx, e, req, ss, u)
}

// openSession opens the request's Session and checks that it was given
// to the client for the challenge answered.
func (e *Engine) openSession(req *request) (*Session, error) {
	ss, err := e.states.Open(req.session)
	if err != nil {
		return nil, err
	}
	if ss.Client != req.client.ID() || ss.Pool != req.client.PoolID() {
		return nil, api.ErrBadSession
	}
	if ss.Challenge != req.challenge {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgSessionChallengeMismatch, ss.Challenge, req.challenge)
	}
	return ss, nil
}

// secondFactorDone ends a sign-in whose second factor (a TOTP code, a
// completed MFA set-up) was just proved: the session is spent and tokens
// issued.
func (e *Engine) secondFactorDone(ctx context.Context, c Client, ss *Session, u *store.User) (*api.AuthOutput, error) {
	if err := e.states.Spend(ctx, ss); err != nil {
		return nil, err
	}
	return e.complete(ctx, c, u, time.Unix(ss.AuthTime, 0), ss.DeviceKey, true)
}
