package sdk_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/srp"
)

// devicePool is an MFA ON pool that tracks devices and remembers them when
// the user says so.
func (e *env) devicePool() (poolID, clientID string) {
	poolID, clientID = e.pool(types.UserPoolMfaTypeOn)
	must(e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		AutoVerifiedAttributes: []types.VerifiedAttributeType{"email"},
		DeviceConfiguration:    &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}}))(e.t)
	return poolID, clientID
}

// srpSignIn runs USER_SRP_AUTH to the challenge after the password proof.
func (e *env) srpSignIn(poolID, clientID, name string, deviceKey string) (*cip.RespondToAuthChallengeOutput, error) {
	cl, ch := e.srpStart(clientID, name, nil)
	proof := e.srpProof(cl, poolID, ch, password)
	if deviceKey != "" {
		proof["DEVICE_KEY"] = deviceKey
	}
	return e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, proof)
}

// deviceProof walks DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER as the JS
// clients do, with the device's own password.
func (e *env) deviceProof(clientID, name string, after *cip.RespondToAuthChallengeOutput, meta *types.NewDeviceMetadataType, dev *srp.DeviceSecret) (*cip.RespondToAuthChallengeOutput, error) {
	e.t.Helper()
	cl, _ := srp.NewClient()
	ch := must(e.respond(clientID, types.ChallengeNameTypeDeviceSrpAuth, after.Session,
		map[string]string{"USERNAME": name, "DEVICE_KEY": *meta.DeviceKey, "SRP_A": cl.PublicHex()}))(e.t)
	if ch.ChallengeName != types.ChallengeNameTypeDevicePasswordVerifier {
		e.t.Fatalf("want DEVICE_PASSWORD_VERIFIER, got %q", ch.ChallengeName)
	}
	p := ch.ChallengeParameters
	resp, err := cl.Respond(srp.Challenge{PoolName: *meta.DeviceGroupKey, UserID: *meta.DeviceKey, Salt: p["SALT"], B: p["SRP_B"],
		SecretBlock: p["SECRET_BLOCK"]}, dev.Password, e.srv.Clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return e.respond(clientID, types.ChallengeNameTypeDevicePasswordVerifier, ch.Session, map[string]string{"USERNAME": name,
		"DEVICE_KEY": *meta.DeviceKey, "PASSWORD_CLAIM_SECRET_BLOCK": resp.SecretBlock, "PASSWORD_CLAIM_SIGNATURE": resp.Signature, "TIMESTAMP": resp.Timestamp})
}

// rememberDevice enrols the user of a devicePool in TOTP, confirms the
// device of that sign-in and marks it remembered; it returns the TOTP
// secret, the device's metadata and its secret.
func (e *env) rememberDevice(clientID, name string) (string, *types.NewDeviceMetadataType, *srp.DeviceSecret) {
	e.t.Helper()
	secret, first := e.enrol(clientID, name)
	meta := first.NewDeviceMetadata
	if meta == nil {
		e.t.Fatal("no NewDeviceMetadata")
	}
	dev := e.confirmDevice(first.AccessToken, meta, "laptop")
	must(e.c.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{AccessToken: first.AccessToken, DeviceKey: meta.DeviceKey,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered}))(e.t)
	return secret, meta, dev
}

// confirmDevice confirms a device with a fresh device secret, as the JS
// clients do after a sign-in that returned NewDeviceMetadata.
func (e *env) confirmDevice(accessToken *string, meta *types.NewDeviceMetadataType, deviceName string) *srp.DeviceSecret {
	e.t.Helper()
	dev, err := srp.NewDeviceSecret(*meta.DeviceGroupKey, *meta.DeviceKey)
	if err != nil {
		e.t.Fatal(err)
	}
	pv, salt := dev.VerifierConfig()
	must(e.c.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{AccessToken: accessToken, DeviceKey: meta.DeviceKey, DeviceName: aws.String(deviceName),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: &pv, Salt: &salt}}))(e.t)
	return dev
}

// TestRememberedDevice: a confirmed, remembered device signs in without a
// TOTP code; a forgotten or not-remembered one is asked for the code again.
func TestRememberedDevice(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.devicePool()
	name := e.user(poolID, clientID)
	secret, first := e.enrol(clientID, name)
	meta := first.NewDeviceMetadata
	if meta == nil || !strings.HasPrefix(*meta.DeviceKey, "us-east-1_") || len(*meta.DeviceKey) != len("us-east-1_")+36 || *meta.DeviceGroupKey == "" {
		t.Fatalf("NewDeviceMetadata %+v", meta)
	}
	if claims(t, *first.AccessToken)["device_key"] != *meta.DeviceKey {
		t.Fatal("access token lacks device_key")
	}

	// ConfirmDevice with the device's verifier, as the JS clients make it.
	dev, err := srp.NewDeviceSecret(*meta.DeviceGroupKey, *meta.DeviceKey)
	if err != nil {
		t.Fatal(err)
	}
	pv, salt := dev.VerifierConfig()
	conf := must(e.c.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{AccessToken: first.AccessToken, DeviceKey: meta.DeviceKey, DeviceName: aws.String("laptop"),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: &pv, Salt: &salt}}))(t)
	if !conf.UserConfirmationNecessary {
		t.Fatal("DeviceOnlyRememberedOnUserPrompt: confirmation should be necessary")
	}
	// Only the key issued with this sign-in can be confirmed with its token.
	_, err = e.c.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{AccessToken: first.AccessToken, DeviceKey: aws.String("us-east-1_11111111-2222-4333-8444-555555555555"),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: &pv, Salt: &salt}})
	wantErr(t, err, "ResourceNotFoundException", "Device does not exist.")
	// A sign-in whose client ignores NewDeviceMetadata leaves no device behind.
	if r := must(e.srpSignIn(poolID, clientID, name, ""))(t); r.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("sign-in without a device: %q", r.ChallengeName)
	}
	if l := must(e.c.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: &poolID, Username: &name}))(t); len(l.Devices) != 1 {
		t.Fatalf("unconfirmed devices are listed: %d", len(l.Devices))
	}

	// Not remembered yet: the code is still asked.
	out := must(e.srpSignIn(poolID, clientID, name, *meta.DeviceKey))(t)
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("not-remembered device: want SOFTWARE_TOKEN_MFA, got %q", out.ChallengeName)
	}
	done := must(e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, out.Session,
		map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(secret, 0)}))(t)
	if done.AuthenticationResult.NewDeviceMetadata != nil || claims(t, *done.AuthenticationResult.AccessToken)["device_key"] != *meta.DeviceKey {
		t.Fatal("a known device got new metadata or lost its device_key")
	}
	e.nextStep()

	must(e.c.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{AccessToken: first.AccessToken, DeviceKey: meta.DeviceKey,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered}))(t)

	// Remembered: password, then the device's own SRP proof, then tokens.
	out = must(e.srpSignIn(poolID, clientID, name, *meta.DeviceKey))(t)
	if out.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("remembered device: want DEVICE_SRP_AUTH, got %q", out.ChallengeName)
	}
	tokens := must(e.deviceProof(clientID, name, out, meta, dev))(t)
	if tokens.AuthenticationResult == nil || claims(t, *tokens.AuthenticationResult.AccessToken)["device_key"] != *meta.DeviceKey {
		t.Fatalf("device sign-in result %+v", tokens)
	}
	// The same with USER_PASSWORD_AUTH and the key in AuthParameters.
	pw := must(e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password, "DEVICE_KEY": *meta.DeviceKey}}))(t)
	if pw.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("password flow with device: %q", pw.ChallengeName)
	}
	// A wrong device password fails.
	wrong := &srp.DeviceSecret{Password: "not-the-device-password"}
	_, err = e.deviceProof(clientID, name, &cip.RespondToAuthChallengeOutput{Session: pw.Session}, meta, wrong)
	wantErr(t, err, "NotAuthorizedException", "")

	// Refresh accepts DEVICE_KEY and keeps device_key.
	r := must(e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *tokens.AuthenticationResult.RefreshToken, "DEVICE_KEY": *meta.DeviceKey}}))(t)
	if claims(t, *r.AuthenticationResult.AccessToken)["device_key"] != *meta.DeviceKey {
		t.Fatal("refreshed access token lacks device_key")
	}
	g := must(e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID,
		RefreshToken: tokens.AuthenticationResult.RefreshToken, DeviceKey: meta.DeviceKey}))(t)
	if g.AuthenticationResult.AccessToken == nil {
		t.Fatal("GetTokensFromRefreshToken with DeviceKey failed")
	}

	// Device listing and details.
	access := tokens.AuthenticationResult.AccessToken
	got := must(e.c.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: access, DeviceKey: meta.DeviceKey}))(t).Device
	if attr(got.DeviceAttributes, "device_name") != "laptop" || attr(got.DeviceAttributes, "dev:device_remembered_status") != "remembered" ||
		attr(got.DeviceAttributes, "last_ip_used") != "127.0.0.1" || got.DeviceLastAuthenticatedDate == nil {
		t.Fatalf("GetDevice %+v", got)
	}
	list := must(e.c.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: access}))(t)
	if len(list.Devices) != 1 {
		t.Fatalf("ListDevices %+v", list)
	}
	adm := must(e.c.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: &poolID, Username: &name}))(t)
	if len(adm.Devices) != 1 || *adm.Devices[0].DeviceKey != *meta.DeviceKey {
		t.Fatalf("AdminListDevices %+v", adm)
	}
	must(e.c.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: &poolID, Username: &name, DeviceKey: meta.DeviceKey}))(t)

	// Admin says not remembered: the code is asked again.
	must(e.c.AdminUpdateDeviceStatus(ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: &poolID, Username: &name, DeviceKey: meta.DeviceKey,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered}))(t)
	if out := must(e.srpSignIn(poolID, clientID, name, *meta.DeviceKey))(t); out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("after not_remembered: %q", out.ChallengeName)
	}
	must(e.c.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{AccessToken: access, DeviceKey: meta.DeviceKey,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered}))(t)

	// Forgotten: the key is unknown ("Device does not exist."), the same
	// proof without the key still works, and the code is asked.
	must(e.c.ForgetDevice(ctx, &cip.ForgetDeviceInput{AccessToken: access, DeviceKey: meta.DeviceKey}))(t)
	cl, ch := e.srpStart(clientID, name, nil)
	proof := e.srpProof(cl, poolID, ch, password)
	proof["DEVICE_KEY"] = *meta.DeviceKey
	_, err = e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, proof)
	wantErr(t, err, "ResourceNotFoundException", "Device does not exist.")
	delete(proof, "DEVICE_KEY")
	out = must(e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, proof))(t)
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("forgotten device: want SOFTWARE_TOKEN_MFA, got %q", out.ChallengeName)
	}
	_, err = e.c.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: access, DeviceKey: meta.DeviceKey})
	wantErr(t, err, "ResourceNotFoundException", "")

	// Another user cannot use or see this user's devices.
	other := e.user(poolID, clientID)
	_, err = e.c.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: &poolID, Username: &other, DeviceKey: meta.DeviceKey})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.c.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{UserPoolId: &poolID, Username: &name, DeviceKey: aws.String("us-east-1_00000000-0000-0000-0000-000000000000")})
	wantErr(t, err, "ResourceNotFoundException", "")
}

// TestDeviceConfigurationFlags: with DeviceOnlyRememberedOnUserPrompt off a
// confirmed device is remembered at once; with ChallengeRequiredOnNewDevice
// off a remembered device does not stand in for MFA (Cognito: "when true, a
// remembered device can sign in with device authentication instead of SMS
// and TOTP factors"), and turning it on lets the device sign in without a
// code.
func TestDeviceConfigurationFlags(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	configure := func(replacesMFA bool) {
		must(e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
			AutoVerifiedAttributes: []types.VerifiedAttributeType{"email"},
			DeviceConfiguration:    &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: replacesMFA, DeviceOnlyRememberedOnUserPrompt: false}}))(t)
	}
	configure(false)
	name := e.user(poolID, clientID)
	secret, first := e.enrol(clientID, name)
	meta := first.NewDeviceMetadata
	if meta == nil {
		t.Fatal("no NewDeviceMetadata")
	}
	dev, err := srp.NewDeviceSecret(*meta.DeviceGroupKey, *meta.DeviceKey)
	if err != nil {
		t.Fatal(err)
	}
	pv, salt := dev.VerifierConfig()
	conf := must(e.c.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{AccessToken: first.AccessToken, DeviceKey: meta.DeviceKey,
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: &pv, Salt: &salt}}))(t)
	if conf.UserConfirmationNecessary {
		t.Fatal("DeviceOnlyRememberedOnUserPrompt off: no confirmation should be necessary")
	}
	got := must(e.c.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: first.AccessToken, DeviceKey: meta.DeviceKey}))(t).Device
	if attr(got.DeviceAttributes, "dev:device_remembered_status") != "remembered" {
		t.Fatalf("device not remembered at ConfirmDevice: %+v", got.DeviceAttributes)
	}

	// Remembered, but the pool does not let devices replace MFA: the code is
	// asked, and the tokens still carry the device.
	out := must(e.srpSignIn(poolID, clientID, name, *meta.DeviceKey))(t)
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("ChallengeRequiredOnNewDevice off: want SOFTWARE_TOKEN_MFA, got %q", out.ChallengeName)
	}
	done := must(e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, out.Session,
		map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(secret, 0)}))(t)
	e.nextStep()
	if done.AuthenticationResult.NewDeviceMetadata != nil || claims(t, *done.AuthenticationResult.AccessToken)["device_key"] != *meta.DeviceKey {
		t.Fatal("a known device got new metadata or lost its device_key")
	}

	// The pool lets remembered devices replace MFA: device SRP, no code.
	configure(true)
	out = must(e.srpSignIn(poolID, clientID, name, *meta.DeviceKey))(t)
	if out.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("ChallengeRequiredOnNewDevice on: want DEVICE_SRP_AUTH, got %q", out.ChallengeName)
	}
	must(e.deviceProof(clientID, name, out, meta, dev))(t)
	// A sign-in naming no device is still asked for the code.
	if out := must(e.srpSignIn(poolID, clientID, name, ""))(t); out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("no device: want SOFTWARE_TOKEN_MFA, got %q", out.ChallengeName)
	}
}

func within(got *time.Time, want time.Time) bool {
	return got != nil && got.Sub(want).Abs() <= time.Second
}

// TestDeviceListingAndDates: ListDevices and AdminListDevices page with
// Limit and PaginationToken; DeviceCreateDate is the confirmation,
// DeviceLastModifiedDate moves with a status change, and
// DeviceLastAuthenticatedDate and last_ip_used with a device sign-in;
// AdminForgetDevice forgets.
func TestDeviceListingAndDates(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.devicePool()
	name := e.user(poolID, clientID)
	secret, first := e.enrol(clientID, name)
	created := e.srv.Clock.Now()
	devs := map[string]*srp.DeviceSecret{*first.NewDeviceMetadata.DeviceKey: e.confirmDevice(first.AccessToken, first.NewDeviceMetadata, "one")}
	metas := []*types.NewDeviceMetadataType{first.NewDeviceMetadata}
	for _, dn := range []string{"two", "three"} {
		e.srv.Clock.Advance(time.Minute)
		tok := e.mfaSignIn(clientID, name, secret)
		devs[*tok.NewDeviceMetadata.DeviceKey] = e.confirmDevice(tok.AccessToken, tok.NewDeviceMetadata, dn)
		metas = append(metas, tok.NewDeviceMetadata)
	}
	access := first.AccessToken

	// Two pages of at most two, for the user and for the administrator.
	pages := func(list func(token *string) ([]types.DeviceType, *string)) map[string]types.DeviceType {
		t.Helper()
		seen := map[string]types.DeviceType{}
		page1, next := list(nil)
		if len(page1) != 2 || next == nil {
			t.Fatalf("first page: %d devices, token %v", len(page1), next)
		}
		page2, end := list(next)
		if len(page2) != 1 || end != nil {
			t.Fatalf("second page: %d devices, token %v", len(page2), end)
		}
		for _, d := range append(page1, page2...) {
			seen[*d.DeviceKey] = d
		}
		if len(seen) != 3 {
			t.Fatalf("pages repeat devices: %d distinct", len(seen))
		}
		return seen
	}
	user := pages(func(tok *string) ([]types.DeviceType, *string) {
		out := must(e.c.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: access, Limit: aws.Int32(2), PaginationToken: tok}))(t)
		return out.Devices, out.PaginationToken
	})
	pages(func(tok *string) ([]types.DeviceType, *string) {
		out := must(e.c.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: &poolID, Username: &name, Limit: aws.Int32(2), PaginationToken: tok}))(t)
		return out.Devices, out.PaginationToken
	})
	one := user[*metas[0].DeviceKey]
	if !within(one.DeviceCreateDate, created) || !within(one.DeviceLastModifiedDate, created) || attr(one.DeviceAttributes, "device_name") != "one" {
		t.Fatalf("device one at confirmation (%v): %+v", created, one)
	}

	// A status change an hour later moves the modification date only.
	e.srv.Clock.Advance(time.Hour)
	modified := e.srv.Clock.Now()
	must(e.c.AdminUpdateDeviceStatus(ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: &poolID, Username: &name, DeviceKey: metas[0].DeviceKey,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered}))(t)
	d := must(e.c.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: &poolID, Username: &name, DeviceKey: metas[0].DeviceKey}))(t).Device
	if !within(d.DeviceLastModifiedDate, modified) || !within(d.DeviceCreateDate, created) || !within(d.DeviceLastAuthenticatedDate, created) {
		t.Fatalf("after UpdateDeviceStatus at %v: %+v", modified, d)
	}

	// A device sign-in an hour later moves the authentication date.
	e.srv.Clock.Advance(time.Hour)
	signedIn := e.srv.Clock.Now()
	out := must(e.srpSignIn(poolID, clientID, name, *metas[0].DeviceKey))(t)
	must(e.deviceProof(clientID, name, out, metas[0], devs[*metas[0].DeviceKey]))(t)
	d = must(e.c.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: &poolID, Username: &name, DeviceKey: metas[0].DeviceKey}))(t).Device
	if !within(d.DeviceLastAuthenticatedDate, signedIn) || !within(d.DeviceCreateDate, created) || attr(d.DeviceAttributes, "last_ip_used") != "127.0.0.1" {
		t.Fatalf("after a device sign-in at %v: %+v", signedIn, d)
	}

	// AdminForgetDevice.
	must(e.c.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{UserPoolId: &poolID, Username: &name, DeviceKey: metas[1].DeviceKey}))(t)
	left := must(e.c.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: &poolID, Username: &name}))(t)
	if len(left.Devices) != 2 {
		t.Fatalf("after AdminForgetDevice: %d devices", len(left.Devices))
	}
	_, err := e.c.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: &poolID, Username: &name, DeviceKey: metas[1].DeviceKey})
	wantErr(t, err, "ResourceNotFoundException", "Device does not exist.")
}
