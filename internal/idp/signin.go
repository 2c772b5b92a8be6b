package idp

import (
	"context"
	"errors"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// Challenge names.
const (
	challengeTOTP           = "SOFTWARE_TOKEN_MFA"
	challengeMFASetup       = "MFA_SETUP"
	challengePasswordVerify = "PASSWORD_VERIFIER"
)

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

// InitiateAuth answers InitiateAuth (admin false) and AdminInitiateAuth.
func (s *Service) InitiateAuth(ctx context.Context, in *api.InitiateAuthInput, admin bool) (*api.AuthOutput, error) {
	c, err := s.authClient(ctx, in.UserPoolId, in.ClientId, admin)
	if err != nil {
		return nil, err
	}
	p := params(in.AuthParameters)
	switch in.AuthFlow {
	case "USER_PASSWORD_AUTH":
		if admin {
			return nil, api.Errorf(api.ErrInvalidParameter, "Initiate Auth method not supported.")
		}
		if !c.allows("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH") {
			return nil, api.Errorf(api.ErrInvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client")
		}
		return s.passwordAuth(ctx, c, p)
	case "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH":
		if !admin {
			return nil, api.Errorf(api.ErrInvalidParameter, "Initiate Auth method not supported.")
		}
		if !c.allows("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH") {
			return nil, api.Errorf(api.ErrInvalidParameter, "Auth flow not enabled for this client")
		}
		return s.passwordAuth(ctx, c, p)
	case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
		if err := c.refreshAuthAllowed(); err != nil {
			return nil, err
		}
		res, err := s.refresh(ctx, c, p["REFRESH_TOKEN"], p["SECRET_HASH"], true)
		if err != nil {
			return nil, err
		}
		return &api.AuthOutput{ChallengeParameters: map[string]string{}, AuthenticationResult: res}, nil
	case "USER_SRP_AUTH":
		if !c.allows("ALLOW_USER_SRP_AUTH") {
			return nil, api.Errorf(api.ErrInvalidParameter, "USER_SRP_AUTH is not enabled for the client.")
		}
		return s.srpAuth(ctx, c, p)
	default:
		return nil, api.Errorf(api.ErrInvalidParameter, "AuthFlow %s is not supported by Cognate.", in.AuthFlow)
	}
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
// AdminRespondToAuthChallenge.
func (s *Service) RespondToAuthChallenge(ctx context.Context, in *api.RespondToAuthChallengeInput, admin bool) (*api.AuthOutput, error) {
	c, err := s.authClient(ctx, in.UserPoolId, in.ClientId, admin)
	if err != nil {
		return nil, err
	}
	r := params(in.ChallengeResponses)
	switch {
	case in.ChallengeName == challengePasswordVerify:
		// Some clients send no Session here: the state is found from the
		// secret block.
		return s.srpVerify(ctx, c, r)
	case in.ChallengeName == challengeDevicePassword:
		// The same for the device's proof.
		return s.devicePasswordVerify(ctx, c, r)
	case in.ChallengeName == challengeDeviceSRP && in.Session == "":
		// AWS's examples and pycognito: the device ticket stands in for
		// the Session.
		return s.sessionlessDeviceSRP(ctx, c, r)
	}
	ss, err := s.openSession(in.Session)
	if err != nil {
		return nil, err
	}
	if ss.Client != c.rec.ID || ss.Pool != c.pool.rec.ID {
		return nil, api.ErrBadSession
	}
	if ss.Challenge != in.ChallengeName {
		return nil, api.Errorf(api.ErrInvalidParameter, "The session is for the %s challenge, not %s.", ss.Challenge, in.ChallengeName)
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
	switch in.ChallengeName {
	case challengeTOTP:
		code := r["SOFTWARE_TOKEN_MFA_CODE"]
		if code == "" {
			return nil, missing("SOFTWARE_TOKEN_MFA_CODE")
		}
		if err := s.checkLock(u); err != nil {
			return nil, err
		}
		checked, err := s.checkTOTP(ctx, u, code)
		if api.IsCode(err, api.ErrCodeMismatch) || api.IsCode(err, api.ErrExpiredCode) {
			return nil, s.failedSignIn(ctx, c.pool, u, stepMFA, err)
		}
		if err != nil {
			return nil, err
		}
		u = checked
	case challengeMFASetup:
		if ss.Stage != stageVerified || len(u.TOTPSecret) == 0 {
			return nil, api.Errorf(api.ErrInvalidParameter, "MFA set-up is not complete: call AssociateSoftwareToken and VerifySoftwareToken with this session first.")
		}
		u, err = s.updateUser(ctx, u, func(u *store.User) error {
			u.TOTPEnabled = true
			u.PreferredMFA = challengeTOTP
			u.Updated = s.now()
			return nil
		})
		if err != nil {
			return nil, err
		}
	case challengeNewPassword:
		return s.answerNewPassword(ctx, c, u, ss, r)
	case challengeDeviceSRP:
		if r["DEVICE_KEY"] != ss.DeviceKey {
			return nil, api.ErrBadSession
		}
		t, err := s.takeDeviceTicket(ctx, c, u, ss.DeviceKey, ss.Ticket)
		if err != nil {
			return nil, err
		}
		return s.deviceSRPAuth(ctx, c, u, t, r)
	default:
		return nil, api.Errorf(api.ErrInvalidParameter, "Challenge %s is not supported by Cognate.", in.ChallengeName)
	}
	if err := s.spend(ctx, ss); err != nil {
		return nil, err
	}
	return s.complete(ctx, c, u, time.Unix(ss.AuthTime, 0), ss.DeviceKey, true)
}
