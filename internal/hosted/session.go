package hosted

import (
	"net/http"
	"time"

	"github.com/cognate-idp/cognate/internal/seal"
)

// Two cookies outlive a single sign-in, one of each per pool (the pages of
// every pool share one host here, where Cognito gives each pool a domain):
//
//   - the single sign-on session: a second /oauth2/authorize within it, for
//     any app client of the pool, skips the password. It holds, sealed, a
//     session the domain keeps beside the user's refresh tokens, so
//     /logout, GlobalSignOut and AdminUserGlobalSignOut end it everywhere.
//   - the remembered devices: the key and the random password of each device
//     the user let the browser remember, sealed; with it the server answers
//     the device SRP challenge instead of asking for a TOTP code.
//
// Both are HttpOnly and SameSite=Lax (Lax, since the relying party reaches
// /oauth2/authorize by a cross-site top-level navigation), Secure when the
// public URL is https.

// sessionTTL is the single sign-on session's lifetime: Cognito's hosted UI
// keeps its session cookie for an hour.
const sessionTTL = time.Hour

// deviceTTL is how long a browser keeps its remembered devices.
const deviceTTL = 365 * 24 * time.Hour

// maxDevices bounds the devices one browser remembers per pool (several
// users may share it); the oldest goes first.
const maxDevices = 5

func sessionCookie(poolID string) string { return "cognate_session_" + poolID }
func deviceCookie(poolID string) string  { return "cognate_device_" + poolID }

func (h *Handler) setCookie(w http.ResponseWriter, name, value string, ttl time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode}
	if ttl > 0 {
		c.MaxAge = int(ttl / time.Second)
	} else {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// ssoState is the session cookie's sealed content.
type ssoState struct {
	Session string `json:"s"` // the domain's session token
	Expires int64  `json:"e"`
}

// session returns the pool's single sign-on session of the browser, "" if
// none.
func (h *Handler) session(r *http.Request, poolID string) string {
	c, err := r.Cookie(sessionCookie(poolID))
	if err != nil {
		return ""
	}
	var st ssoState
	if !h.open(c.Value, "sso|"+poolID, &st, func() int64 { return st.Expires }) {
		return ""
	}
	return st.Session
}

// startSession opens a single sign-on session for the sign-in that
// refreshToken came from. A failure only costs the user a password later.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, poolID, refreshToken string) {
	raw, err := h.svc.StartHostedSession(r.Context(), refreshToken, sessionTTL)
	if err != nil {
		h.log.Warn("hosted: no single sign-on session", "err", err)
		return
	}
	st := ssoState{Session: raw, Expires: h.svc.Now().Add(sessionTTL).Unix()}
	h.setCookie(w, sessionCookie(poolID), h.seal(st, "sso|"+poolID), sessionTTL)
}

// endSession ends the browser's session with the pool, here and in the
// store.
func (h *Handler) endSession(w http.ResponseWriter, r *http.Request, poolID string) {
	if s := h.session(r, poolID); s != "" {
		if err := h.svc.EndHostedSession(r.Context(), s); err != nil {
			h.log.Error("hosted: end session", "err", err)
		}
	}
	h.setCookie(w, sessionCookie(poolID), "", 0)
}

// deviceSecret is what the browser keeps of one remembered device.
type deviceSecret struct {
	User     string `json:"u"` // canonical username
	Key      string `json:"k"`
	Group    string `json:"g"` // DeviceGroupKey
	Password string `json:"p"` // the device's random SRP password
}

type deviceList struct {
	Devices []deviceSecret `json:"d"`
	Expires int64          `json:"e"`
}

// devices returns the pool's devices the browser remembers.
func (h *Handler) devices(r *http.Request, poolID string) []deviceSecret {
	c, err := r.Cookie(deviceCookie(poolID))
	if err != nil {
		return nil
	}
	var l deviceList
	if !h.open(c.Value, seal.LabelDeviceCookie(poolID), &l, func() int64 { return l.Expires }) {
		return nil
	}
	return l.Devices
}

func deviceFor(list []deviceSecret, user string) *deviceSecret {
	for i := range list {
		if list[i].User == user {
			return &list[i]
		}
	}
	return nil
}

// rememberDevice stores d as the browser's device for its user, in place
// of any older one of that user.
func (h *Handler) rememberDevice(w http.ResponseWriter, r *http.Request, poolID string, d deviceSecret) {
	list := []deviceSecret{d}
	for _, old := range h.devices(r, poolID) {
		if old.User != d.User && len(list) < maxDevices {
			list = append(list, old)
		}
	}
	l := deviceList{Devices: list, Expires: h.svc.Now().Add(deviceTTL).Unix()}
	h.setCookie(w, deviceCookie(poolID), h.seal(l, seal.LabelDeviceCookie(poolID)), deviceTTL)
}

// forgetDevice drops the user's device from the browser.
func (h *Handler) forgetDevice(w http.ResponseWriter, r *http.Request, poolID, user string) {
	var list []deviceSecret
	for _, old := range h.devices(r, poolID) {
		if old.User != user {
			list = append(list, old)
		}
	}
	if len(list) == 0 {
		h.setCookie(w, deviceCookie(poolID), "", 0)
		return
	}
	l := deviceList{Devices: list, Expires: h.svc.Now().Add(deviceTTL).Unix()}
	h.setCookie(w, deviceCookie(poolID), h.seal(l, seal.LabelDeviceCookie(poolID)), deviceTTL)
}
