package hosted

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/srp"
)

// Remembered devices on the hosted pages. The browser cannot run SRP
// without script, so the server plays the device: when a sign-in hands out
// NewDeviceMetadata it makes the device's random password and verifier
// (as amazon-cognito-identity-js does), confirms the device with the
// sign-in's access token, and keeps the password sealed in the device
// cookie. A later sign-in names that device, and the server answers
// DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER through the same
// RespondToAuthChallenge as any client, so a forgotten, not remembered or
// wrongly proved device counts as it does in the API.

// completed ends a sign-in that has its tokens: first the pre token
// generation trigger, whose refusal ends it before anything more is stored
// (preToken), then the device, when the pool tracks devices (asking the
// user when the pool says so), then the single sign-on session and the
// authorization code.
func (h *Handler) completed(w http.ResponseWriter, r *http.Request, req *authRequest, user string, res *api.AuthenticationResult) {
	c, err := h.svc.HostedClient(r.Context(), req.ClientID)
	if err != nil {
		h.pageError(w, r, req, err)
		return
	}
	custom, ok := h.preToken(w, r, req, res.RefreshToken)
	if !ok {
		return
	}
	if meta := res.NewDeviceMetadata; meta != nil && c.Devices != nil {
		d := deviceSecret{User: user, Key: meta.DeviceKey, Group: meta.DeviceGroupKey}
		ask, err := h.confirmDevice(r, &d, res.AccessToken)
		switch {
		case err != nil:
			// The sign-in itself succeeded: go on without a device.
			h.log.Warn("hosted: device not confirmed", "err", err)
		case ask:
			p := h.newPage(r, req, "Remember this device?")
			p.Flow = h.seal(deviceChoice{Request: h.seal(req, "request"), Access: res.AccessToken, Refresh: res.RefreshToken,
				Device: d, Expires: req.Expires, Custom: custom}, "device-choice")
			h.render(w, r, http.StatusOK, "device", p)
			return
		default:
			h.rememberDevice(w, r, c.PoolID, d)
		}
	}
	h.done(w, r, req, c, res.AccessToken, res.RefreshToken, custom)
}

// done offers a passkey to a user who has none (passkeyreg.go), else
// finishes the sign-in. custom is the pre token generation trigger's
// answer for the tokens.
func (h *Handler) done(w http.ResponseWriter, r *http.Request, req *authRequest, c *idp.HostedClient, access, refresh string, custom json.RawMessage) {
	if h.offerPasskey(w, r, req, c, &passkeyOffer{Access: access, Refresh: refresh, Custom: custom}) {
		return
	}
	h.signedIn(w, r, req, c.PoolID, refresh, custom)
}

// signedIn opens the single sign-on session and sends the code to the
// client.
func (h *Handler) signedIn(w http.ResponseWriter, r *http.Request, req *authRequest, poolID, refresh string, custom json.RawMessage) {
	h.startSession(w, r, poolID, refresh)
	h.issue(w, r, req, refresh, custom)
}

// confirmDevice makes the device's secret and confirms it; ask reports
// whether the pool wants the user asked before the device is remembered.
func (h *Handler) confirmDevice(r *http.Request, d *deviceSecret, access string) (ask bool, err error) {
	ds, err := srp.NewDeviceSecret(d.Group, d.Key)
	if err != nil {
		return false, err
	}
	d.Password = ds.Password
	pv, salt := ds.VerifierConfig()
	out, err := h.svc.ConfirmDevice(r.Context(), &api.ConfirmDeviceInput{AccessToken: access, DeviceKey: d.Key,
		DeviceName: deviceName(r.UserAgent()), DeviceSecretVerifierConfig: &api.DeviceSecretVerifierConfig{PasswordVerifier: pv, Salt: salt}})
	if err != nil {
		return false, err
	}
	return out.UserConfirmationNecessary, nil
}

// deviceName names a device after the browser, as users see it in their
// device lists.
func deviceName(userAgent string) string {
	name := "Web browser"
	for _, b := range []string{"Edg/", "Firefox/", "Chrome/", "Safari/"} {
		if strings.Contains(userAgent, b) {
			name = strings.TrimSuffix(b, "/")
			break
		}
	}
	for _, os := range []string{"Android", "iPhone", "Windows", "Mac OS X", "Linux"} {
		if strings.Contains(userAgent, os) {
			return name + " on " + os
		}
	}
	return name
}

// deviceSubmit is the answer to "Remember this device?".
func (h *Handler) deviceSubmit(w http.ResponseWriter, r *http.Request) {
	if !h.postForm(w, r) {
		return
	}
	var dc deviceChoice
	if res := h.unseal(r.PostFormValue("flow"), "device-choice", &dc, func() int64 { return dc.Expires }); res != sealOK {
		h.sealError(w, res)
		return
	}
	var req0 authRequest
	if res := h.unseal(dc.Request, "request", &req0, func() int64 { return req0.Expires }); res != sealOK {
		h.sealError(w, res)
		return
	}
	req := &req0
	c, err := h.svc.HostedClient(r.Context(), req.ClientID)
	if err != nil {
		h.pageError(w, r, req, err)
		return
	}
	if r.PostFormValue("remember") == "yes" {
		_, err = h.svc.UpdateDeviceStatus(r.Context(), &api.UpdateDeviceStatusInput{AccessToken: dc.Access, DeviceKey: dc.Device.Key,
			DeviceRememberedStatus: "remembered"})
		if err == nil {
			h.rememberDevice(w, r, c.PoolID, dc.Device)
		}
	} else {
		// Choice: a device the user declines is forgotten, so that nothing
		// of it stays in the browser or in the user's device list.
		_, err = h.svc.ForgetDevice(r.Context(), &api.ForgetDeviceInput{AccessToken: dc.Access, DeviceKey: dc.Device.Key})
	}
	if err != nil {
		h.log.Warn("hosted: device choice", "err", err)
	}
	h.done(w, r, req, c, dc.Access, dc.Refresh, dc.Custom)
}

var errNoDeviceSecret = errors.New("hosted: the browser does not hold the device's secret")

// deviceProof answers DEVICE_SRP_AUTH as the device, with the password
// the browser keeps, and returns what follows (tokens).
func (h *Handler) deviceProof(r *http.Request, req *authRequest, user string, out *api.AuthOutput) (*api.AuthOutput, error) {
	c, err := h.svc.HostedClient(r.Context(), req.ClientID)
	if err != nil {
		return nil, err
	}
	d := deviceFor(h.devices(r, c.PoolID), user)
	if d == nil {
		return nil, errNoDeviceSecret
	}
	client, err := srp.NewClient()
	if err != nil {
		return nil, err
	}
	resp := map[string]*string{"USERNAME": &user, "DEVICE_KEY": &d.Key, "SRP_A": ptr(client.PublicHex())}
	ch, err := h.svc.RespondToAuthChallenge(r.Context(), &api.RespondToAuthChallengeInput{ClientId: req.ClientID,
		ChallengeName: signin.ChallengeDeviceSRP, Session: out.Session, ChallengeResponses: resp})
	if err != nil {
		return nil, err
	}
	cp := ch.ChallengeParameters
	proof, err := client.Respond(srp.Challenge{PoolName: d.Group, UserID: d.Key, Salt: cp["SALT"], B: cp["SRP_B"],
		SecretBlock: cp["SECRET_BLOCK"]}, d.Password, h.svc.Now())
	if err != nil {
		return nil, err
	}
	resp = map[string]*string{"USERNAME": &user, "DEVICE_KEY": &d.Key, "PASSWORD_CLAIM_SECRET_BLOCK": &proof.SecretBlock,
		"PASSWORD_CLAIM_SIGNATURE": &proof.Signature, "TIMESTAMP": &proof.Timestamp}
	return h.svc.RespondToAuthChallenge(r.Context(), &api.RespondToAuthChallengeInput{ClientId: req.ClientID,
		ChallengeName: signin.ChallengeDevicePassword, Session: ch.Session, ChallengeResponses: resp})
}

func ptr(s string) *string { return &s }
