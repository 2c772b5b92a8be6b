package idp

import (
	"context"
	"errors"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
)

// Challenge names, as Cognito spells them.
const (
	challengeTOTP           = signin.ChallengeTOTP
	challengeMFASetup       = signin.ChallengeMFASetup
	challengePasswordVerify = signin.ChallengePasswordVerify
	challengeNewPassword    = signin.ChallengeNewPassword
	challengeDeviceSRP      = signin.ChallengeDeviceSRP
	challengeDevicePassword = signin.ChallengeDevicePassword
)

// authRequest is one InitiateAuth or RespondToAuthChallenge call, as the
// flow and challenge handlers see it.
type authRequest struct {
	client *client
	admin  bool              // the Admin* form of the operation
	params map[string]string // AuthParameters or ChallengeResponses, null and empty members dropped
	// challenge and session are RespondToAuthChallenge's ChallengeName and
	// Session ("" when none was sent).
	challenge, session string
}

// authFlow starts a sign-in: the handler of one InitiateAuth AuthFlow.
type authFlow interface {
	initiate(ctx context.Context, s *Service, req *authRequest) (*api.AuthOutput, error)
}

// challengeHandler answers one challenge of RespondToAuthChallenge. A
// handler whose state travels in the sealed Session is a sessionStep; the
// others (PASSWORD_VERIFIER, DEVICE_PASSWORD_VERIFIER, a sessionless
// DEVICE_SRP_AUTH) find their state themselves.
type challengeHandler interface {
	respond(ctx context.Context, s *Service, req *authRequest) (*api.AuthOutput, error)
}

// authFlows and challenges are the sign-in's tables: a new way to sign in
// is a new entry and a new signin_*.go file, not an edit of a switch.
var (
	authFlows = map[string]authFlow{
		"USER_PASSWORD_AUTH":       passwordFlow{admin: false},
		"ADMIN_USER_PASSWORD_AUTH": passwordFlow{admin: true},
		"ADMIN_NO_SRP_AUTH":        passwordFlow{admin: true},
		"REFRESH_TOKEN_AUTH":       refreshFlow{},
		"REFRESH_TOKEN":            refreshFlow{},
		"USER_SRP_AUTH":            srpFlow{},
	}
	challenges = map[string]challengeHandler{
		challengePasswordVerify: passwordVerifierChallenge{},
		challengeDevicePassword: devicePasswordChallenge{},
		challengeDeviceSRP:      deviceSRPChallenge{},
		challengeTOTP:           sessionStep(totpStep),
		challengeMFASetup:       sessionStep(mfaSetupStep),
		challengeNewPassword:    sessionStep(newPasswordStep),
	}
)

// unsupportedChallenge answers a challenge Cognate does not know, after the
// same checks of the Session as a known one.
var unsupportedChallenge = sessionStep(func(_ context.Context, _ *Service, req *authRequest, _ *session, _ *store.User) (*api.AuthOutput, error) {
	return nil, api.Errorf(api.ErrInvalidParameter, "Challenge %s is not supported by Cognate.", req.challenge)
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
	return api.Errorf(api.ErrInvalidParameter, "Missing required parameter %s", name)
}

// authClient loads the client of an auth request; the admin forms also name
// the pool, which must be the client's.
func (s *Service) authClient(ctx context.Context, poolID, clientID string, admin bool) (*client, error) {
	if admin {
		if poolID == "" {
			return nil, api.Errorf(api.ErrInvalidParameter, "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null")
		}
		return s.loadPoolClient(ctx, poolID, clientID)
	}
	return s.loadClient(ctx, clientID)
}

// InitiateAuth answers InitiateAuth (admin false) and AdminInitiateAuth:
// the AuthFlow's handler starts the sign-in.
func (s *Service) InitiateAuth(ctx context.Context, in *api.InitiateAuthInput, admin bool) (*api.AuthOutput, error) {
	c, err := s.authClient(ctx, in.UserPoolId, in.ClientId, admin)
	if err != nil {
		return nil, err
	}
	flow, ok := authFlows[in.AuthFlow]
	if !ok {
		return nil, api.Errorf(api.ErrInvalidParameter, "AuthFlow %s is not supported by Cognate.", in.AuthFlow)
	}
	return flow.initiate(ctx, s, &authRequest{client: c, admin: admin, params: params(in.AuthParameters)})
}

// signInUser resolves the user named by a sign-in request, checks the
// client's secret hash, and returns the user or the error Cognito gives.
// When the client hides user existence, an unknown name gets a phantom user
// (phantom true) that goes through the same work and always fails.
func (s *Service) signInUser(ctx context.Context, c *client, p map[string]string) (u *store.User, phantom bool, err error) {
	name := p["USERNAME"]
	if name == "" {
		return nil, false, missing("USERNAME")
	}
	u, err = s.resolveUser(ctx, c.pool, name)
	if err != nil {
		if api.IsCode(err, api.ErrUserNotFound) {
			if err := c.checkSecretHash(p["SECRET_HASH"], name); err != nil {
				return nil, false, err
			}
			if c.preventExistence() {
				return s.phantom(c.pool, s.phantomName(c.pool, name)), true, nil
			}
		}
		return nil, false, err
	}
	if err := c.checkSecretHash(p["SECRET_HASH"], name, u.Username); err != nil {
		return nil, false, err
	}
	return u, false, nil
}

// checkSignInState refuses users who may not sign in whatever the password:
// Cognito answers UserNotConfirmedException even for a wrong password.
func checkSignInState(u *store.User) error {
	if !u.Enabled {
		return api.Errorf(api.ErrNotAuthorized, "User is disabled.")
	}
	switch u.Status {
	case StatusUnconfirmed:
		return api.Errorf(api.ErrUserNotConfirmed, "User is not confirmed.")
	case StatusResetRequired:
		return api.Errorf(api.ErrPasswordResetRequired, "Password reset required for the user")
	}
	return nil
}

// afterPassword decides what follows a correct password: device SRP for a
// remembered device, an MFA challenge, MFA set-up, or tokens.
func (s *Service) afterPassword(ctx context.Context, c *client, u *store.User, authTime time.Time, deviceKey string) (*api.AuthOutput, error) {
	if u.Status == StatusForceChange {
		return s.newPasswordChallenge(c, u, authTime, deviceKey)
	}
	remembered, err := s.deviceReplacesMFA(ctx, c, u, deviceKey)
	if err != nil {
		return nil, err
	}
	var challenge string
	hasTOTP := len(u.TOTPSecret) > 0
	switch {
	case remembered:
		// A remembered device proves itself instead of an MFA code.
		challenge = challengeDeviceSRP
	case c.pool.doc.MfaConfiguration == "OPTIONAL":
		if hasTOTP && u.TOTPEnabled {
			challenge = challengeTOTP
		}
	case c.pool.doc.MfaConfiguration == "ON":
		switch {
		case hasTOTP:
			challenge = challengeTOTP
		case c.pool.doc.SoftwareTokenMfaEnabled:
			challenge = challengeMFASetup
		default:
			return nil, api.Errorf(api.ErrInvalidUserPoolConfig, "MFA is required but no MFA method the user can set up is enabled on the pool.")
		}
	}
	if challenge == "" {
		return s.complete(ctx, c, u, authTime, deviceKey, false)
	}
	ss := s.newSession(c, u, challenge, authTime)
	ss.DeviceKey = deviceKey
	if challenge == challengeDeviceSRP {
		if ss.Ticket, err = s.issueDeviceTicket(ctx, c, u, deviceKey, authTime); err != nil {
			return nil, err
		}
	}
	cp := map[string]string{"USER_ID_FOR_SRP": u.Username}
	if challenge == challengeMFASetup {
		cp["MFAS_CAN_SETUP"] = `["SOFTWARE_TOKEN_MFA"]`
	}
	return &api.AuthOutput{ChallengeName: challenge, Session: s.sealSession(ss), ChallengeParameters: cp}, nil
}

// complete ends a sign-in with tokens; mfa says whether a second factor
// was proved. A sign-in that named no device gets a new one when the pool
// tracks devices.
func (s *Service) complete(ctx context.Context, c *client, u *store.User, authTime time.Time, deviceKey string, mfa bool) (*api.AuthOutput, error) {
	var meta *api.NewDeviceMetadata
	if deviceKey == "" {
		var err error
		if meta, err = s.newDevice(ctx, c, u); err != nil {
			return nil, err
		}
		if meta != nil {
			deviceKey = meta.DeviceKey
		}
	} else {
		_, err := s.st.UpdateDevice(ctx, u.PoolID, deviceKey, func(d *store.Device) error {
			d.LastAuthenticated = s.now()
			if ip := clientIP(ctx); ip != "" {
				d.LastIP = ip
			}
			return nil
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, internal(err)
		}
	}
	if err := s.recordSuccess(ctx, u); err != nil {
		return nil, err
	}
	if err := s.signedIn(ctx, c.pool, u, mfa); err != nil {
		return nil, err
	}
	res, err := s.issueTokens(ctx, grant{client: c, user: u, authTime: authTime, refresh: true, deviceKey: deviceKey})
	if err != nil {
		return nil, err
	}
	res.NewDeviceMetadata = meta
	return &api.AuthOutput{ChallengeParameters: map[string]string{}, AuthenticationResult: res}, nil
}

// RespondToAuthChallenge answers RespondToAuthChallenge (admin false) and
// AdminRespondToAuthChallenge: the challenge's handler answers.
func (s *Service) RespondToAuthChallenge(ctx context.Context, in *api.RespondToAuthChallengeInput, admin bool) (*api.AuthOutput, error) {
	c, err := s.authClient(ctx, in.UserPoolId, in.ClientId, admin)
	if err != nil {
		return nil, err
	}
	h, ok := challenges[in.ChallengeName]
	if !ok {
		h = unsupportedChallenge
	}
	return h.respond(ctx, s, &authRequest{client: c, admin: admin, params: params(in.ChallengeResponses),
		challenge: in.ChallengeName, session: in.Session})
}

// sessionStep is a challenge answered within its sealed Session: before
// the step runs, the Session is opened and checked against the client and
// the challenge, and the user it names is resolved, with the secret hash
// checked and the user enabled.
type sessionStep func(ctx context.Context, s *Service, req *authRequest, ss *session, u *store.User) (*api.AuthOutput, error)

func (step sessionStep) respond(ctx context.Context, s *Service, req *authRequest) (*api.AuthOutput, error) {
	c, r := req.client, req.params
	ss, err := s.openSession(req.session)
	if err != nil {
		return nil, err
	}
	if ss.Client != c.rec.ID || ss.Pool != c.pool.rec.ID {
		return nil, api.ErrBadSession
	}
	if ss.Challenge != req.challenge {
		return nil, api.Errorf(api.ErrInvalidParameter, "The session is for the %s challenge, not %s.", ss.Challenge, req.challenge)
	}
	name := r["USERNAME"]
	if name == "" {
		return nil, missing("USERNAME")
	}
	u, err := s.resolveUser(ctx, c.pool, name)
	if err != nil || u.Username != ss.User {
		return nil, api.ErrBadSession
	}
	if err := c.checkSecretHash(r["SECRET_HASH"], name, u.Username); err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, api.Errorf(api.ErrNotAuthorized, "User is disabled.")
	}
	return step(ctx, s, req, ss, u)
}

// secondFactorDone ends a sign-in whose second factor (a TOTP code, a
// completed MFA set-up) was just proved: the session is spent and tokens
// issued.
func (s *Service) secondFactorDone(ctx context.Context, c *client, ss *session, u *store.User) (*api.AuthOutput, error) {
	if err := s.spend(ctx, ss); err != nil {
		return nil, err
	}
	return s.complete(ctx, c, u, time.Unix(ss.AuthTime, 0), ss.DeviceKey, true)
}
