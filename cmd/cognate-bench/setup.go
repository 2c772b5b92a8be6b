package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/srp"
)

// user is one pre-created user and what the workloads need of it. busy
// makes a user serve one sign-in at a time, as a person would; the fields
// below it are written only by the worker holding busy (or in set-up).
type user struct {
	name string
	busy atomic.Bool
	// lastStep is the newest TOTP step this tool has spent for the user;
	// the server refuses any code whose step is not later.
	lastStep atomic.Int64

	secret       string // TOTP secret
	access       string // access token from set-up
	refresh      string // refresh token from set-up
	deviceKey    string
	deviceGroup  string
	deviceSecret *srp.DeviceSecret
}

// adminClient is the SDK client, signed with the admin keys, that creates
// the pool and confirms users. It is used only in set-up and clean-up.
func adminClient(cfg *Config, hc *http.Client) *cip.Client {
	return cip.New(cip.Options{
		Region:           cfg.Region,
		BaseEndpoint:     aws.String(cfg.Endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, ""),
		HTTPClient:       hc,
		RetryMaxAttempts: 3,
	})
}

// createPool makes the pool and app client the workload needs, or, with
// -pool-id, sets up an existing pool for it.
func (b *bench) createPool(ctx context.Context) error {
	if b.cfg.PoolID != "" {
		if b.def.devices {
			return fmt.Errorf("workload %s needs a pool of its own (remembered devices); drop -pool-id", b.cfg.Workload)
		}
		if _, err := b.admin.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &b.cfg.PoolID}); err != nil {
			return fmt.Errorf("DescribeUserPool %s: %w", b.cfg.PoolID, err)
		}
		b.poolID = b.cfg.PoolID
	} else {
		in := &cip.CreateUserPoolInput{PoolName: aws.String(fmt.Sprintf("cognate-bench-%s-%d", b.cfg.Workload, time.Now().Unix()))}
		if b.def.devices {
			// Confirmed devices are remembered without asking the user, and a
			// remembered device stands in for the TOTP code.
			in.DeviceConfiguration = &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false}
		}
		p, err := b.admin.CreateUserPool(ctx, in)
		if err != nil {
			return fmt.Errorf("CreateUserPool: %w", err)
		}
		b.poolID = *p.UserPool.Id
	}
	b.poolName = b.poolID[strings.IndexByte(b.poolID, '_')+1:]
	mfa := types.UserPoolMfaTypeOff
	switch {
	case b.def.mfaOn && b.cfg.AccessTokenEnrolment:
		mfa = types.UserPoolMfaTypeOptional
	case b.def.mfaOn:
		mfa = types.UserPoolMfaTypeOn
	}
	// A new pool is OFF already; an existing one may have been left in
	// another mode by an earlier workload.
	if mfa != types.UserPoolMfaTypeOff || b.cfg.PoolID != "" {
		if _, err := b.admin.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &b.poolID,
			SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
			MfaConfiguration:              mfa}); err != nil {
			return fmt.Errorf("SetUserPoolMfaConfig: %w", err)
		}
	}
	c, err := b.admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &b.poolID, ClientName: aws.String("cognate-bench"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		return fmt.Errorf("CreateUserPoolClient: %w", err)
	}
	b.clientID = *c.UserPoolClient.ClientId
	return nil
}

// deletePool removes everything the run created: its pool, or in an
// existing pool its users and client.
func (b *bench) deletePool(ctx context.Context) error {
	if b.poolID == "" {
		return nil
	}
	if b.cfg.PoolID == "" {
		_, err := b.admin.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &b.poolID})
		return err
	}
	// Every user is tried; the errors are reported together.
	var (
		mu   sync.Mutex
		errs []error
	)
	perr := b.parallel(ctx, len(b.users), func(ctx context.Context, i int) error {
		if u := b.users[i]; u != nil {
			if _, err := b.admin.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &b.poolID, Username: &u.name}); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}
		return nil
	})
	_, err := b.admin.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &b.poolID, ClientId: &b.clientID})
	return errors.Join(append(errs, perr, err)...)
}

// createUsers signs up and confirms n users in parallel, then prepares each
// as the workload needs (tokens, TOTP, a remembered device).
func (b *bench) createUsers(ctx context.Context, n int) error {
	b.users = make([]*user, n)
	return b.parallel(ctx, n, func(ctx context.Context, i int) error {
		u := &user{name: fmt.Sprintf("bench-%s-%07d", b.runID, i)}
		if err := b.prepareUser(ctx, u); err != nil {
			return fmt.Errorf("set-up of %s: %w", u.name, err)
		}
		b.users[i] = u
		return nil
	})
}

// parallel runs fn for 0..n-1 on SetupConcurrency workers. The first error
// cancels the rest and is returned; so is ctx's if it ends first.
func (b *bench) parallel(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	for range min(b.cfg.SetupConcurrency, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, i); err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return firstErr
}

func (b *bench) prepareUser(ctx context.Context, u *user) error {
	if err := b.raw.call(ctx, "SignUp", map[string]any{"ClientId": b.clientID, "Username": u.name, "Password": b.cfg.Password}, nil); err != nil {
		return fmt.Errorf("SignUp: %w", err)
	}
	if _, err := b.admin.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &b.poolID, Username: &u.name}); err != nil {
		return fmt.Errorf("AdminConfirmSignUp: %w", err)
	}
	switch {
	case b.def.tokens:
		res, err := b.signInForTokens(ctx, u)
		if err != nil {
			return err
		}
		u.access, u.refresh = res.AccessToken, res.RefreshToken
	case b.def.mfaOn && b.cfg.AccessTokenEnrolment:
		return b.enrolTOTPSignedIn(ctx, u)
	case b.def.mfaOn:
		res, err := b.enrolTOTP(ctx, u)
		if err != nil {
			return err
		}
		u.access, u.refresh = res.AccessToken, res.RefreshToken
		if b.def.devices {
			return b.confirmDevice(ctx, u, res)
		}
	}
	return nil
}

// signInForTokens signs u in with its password where that yields tokens
// at once (no MFA asked).
func (b *bench) signInForTokens(ctx context.Context, u *user) (*authResult, error) {
	out, err := b.raw.initiateAuth(ctx, initiateAuthInput{ClientId: b.clientID, AuthFlow: "USER_PASSWORD_AUTH",
		AuthParameters: map[string]string{"USERNAME": u.name, "PASSWORD": b.cfg.Password}})
	if err != nil {
		return nil, fmt.Errorf("InitiateAuth: %w", err)
	}
	return wantTokens(out)
}

// enrolTOTP walks MFA_SETUP: password sign-in, AssociateSoftwareToken,
// VerifySoftwareToken with a code, and the MFA_SETUP answer.
func (b *bench) enrolTOTP(ctx context.Context, u *user) (*authResult, error) {
	out, err := b.raw.initiateAuth(ctx, initiateAuthInput{ClientId: b.clientID, AuthFlow: "USER_PASSWORD_AUTH",
		AuthParameters: map[string]string{"USERNAME": u.name, "PASSWORD": b.cfg.Password}})
	if err != nil {
		return nil, fmt.Errorf("InitiateAuth: %w", err)
	}
	if err := wantChallenge(out, "MFA_SETUP"); err != nil {
		return nil, err
	}
	var assoc struct{ SecretCode, Session string }
	if err := b.raw.call(ctx, "AssociateSoftwareToken", map[string]string{"Session": out.Session}, &assoc); err != nil {
		return nil, fmt.Errorf("AssociateSoftwareToken: %w", err)
	}
	u.secret = assoc.SecretCode
	step := totpStep(b.cfg.Now())
	code, err := totpCode(u.secret, step)
	if err != nil {
		return nil, err
	}
	var ver struct{ Status, Session string }
	if err := b.raw.call(ctx, "VerifySoftwareToken", map[string]string{"Session": assoc.Session, "UserCode": code, "FriendlyDeviceName": "bench"}, &ver); err != nil {
		return nil, fmt.Errorf("VerifySoftwareToken: %w", err)
	}
	if ver.Status != "SUCCESS" {
		return nil, unexpected("VerifySoftwareToken status %q", ver.Status)
	}
	u.lastStep.Store(spentStep(u.secret, code, step))
	done, err := b.raw.respond(ctx, respondInput{ClientId: b.clientID, ChallengeName: "MFA_SETUP", Session: ver.Session,
		ChallengeResponses: map[string]string{"USERNAME": u.name}})
	if err != nil {
		return nil, fmt.Errorf("RespondToAuthChallenge MFA_SETUP: %w", err)
	}
	return wantTokens(done)
}

// enrolTOTPSignedIn sets TOTP up as a signed-in user does: password
// sign-in (MFA OPTIONAL, nothing enabled yet: tokens), AssociateSoftwareToken
// and VerifySoftwareToken with the access token, SetUserMFAPreference.
func (b *bench) enrolTOTPSignedIn(ctx context.Context, u *user) error {
	res, err := b.signInForTokens(ctx, u)
	if err != nil {
		return err
	}
	var assoc struct{ SecretCode string }
	if err := b.raw.call(ctx, "AssociateSoftwareToken", map[string]string{"AccessToken": res.AccessToken}, &assoc); err != nil {
		return fmt.Errorf("AssociateSoftwareToken: %w", err)
	}
	u.secret = assoc.SecretCode
	step := totpStep(b.cfg.Now())
	code, err := totpCode(u.secret, step)
	if err != nil {
		return err
	}
	var ver struct{ Status string }
	if err := b.raw.call(ctx, "VerifySoftwareToken", map[string]string{"AccessToken": res.AccessToken, "UserCode": code, "FriendlyDeviceName": "bench"}, &ver); err != nil {
		return fmt.Errorf("VerifySoftwareToken: %w", err)
	}
	if ver.Status != "SUCCESS" {
		return unexpected("VerifySoftwareToken status %q", ver.Status)
	}
	u.lastStep.Store(spentStep(u.secret, code, step))
	if err := b.raw.call(ctx, "SetUserMFAPreference", map[string]any{"AccessToken": res.AccessToken,
		"SoftwareTokenMfaSettings": map[string]bool{"Enabled": true, "PreferredMfa": true}}, nil); err != nil {
		return fmt.Errorf("SetUserMFAPreference: %w", err)
	}
	u.access, u.refresh = res.AccessToken, res.RefreshToken
	return nil
}

// confirmDevice remembers the device the enrolment sign-in created, with a
// device verifier made as the JS clients make it.
func (b *bench) confirmDevice(ctx context.Context, u *user, res *authResult) error {
	meta := res.NewDeviceMetadata
	if meta == nil {
		return unexpected("no NewDeviceMetadata after sign-in in a pool that tracks devices")
	}
	dev, err := srp.NewDeviceSecret(meta.DeviceGroupKey, meta.DeviceKey)
	if err != nil {
		return err
	}
	pv, salt := dev.VerifierConfig()
	var out struct{ UserConfirmationNecessary bool }
	if err := b.raw.call(ctx, "ConfirmDevice", map[string]any{"AccessToken": res.AccessToken, "DeviceKey": meta.DeviceKey, "DeviceName": "bench",
		"DeviceSecretVerifierConfig": map[string]string{"PasswordVerifier": pv, "Salt": salt}}, &out); err != nil {
		return fmt.Errorf("ConfirmDevice: %w", err)
	}
	if out.UserConfirmationNecessary {
		return unexpected("ConfirmDevice asks for user confirmation; the device would not be remembered")
	}
	u.deviceKey, u.deviceGroup, u.deviceSecret = meta.DeviceKey, meta.DeviceGroupKey, dev
	return nil
}
