package idp

import (
	"encoding/json"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// verifyBeforeUpdate lists the attributes of the pool's
// UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate.
func (p *pool) verifyBeforeUpdate() []string {
	if len(p.doc.UserAttributeUpdateSettings) == 0 {
		return nil
	}
	var st struct{ AttributesRequireVerificationBeforeUpdate []string }
	if json.Unmarshal(p.doc.UserAttributeUpdateSettings, &st) != nil {
		return nil
	}
	return st.AttributesRequireVerificationBeforeUpdate
}

// holdPending sets aside the new values of attributes that the pool only
// changes once verified: the current value stays (and stays verified), the
// new one waits in u.PendingAttributes, and a code goes to the new address.
// A caller who may mark the new value verified (setsVerified: an admin) and
// does so in the same call changes it at once. It returns the attributes
// left to apply now; attrs is not changed.
func (s *Service) holdPending(p *pool, u *store.User, attrs map[string]string, setsVerified bool, msgs *[]Message, details *[]api.CodeDeliveryDetails) map[string]string {
	held := p.verifyBeforeUpdate()
	if len(held) == 0 {
		return attrs
	}
	now := map[string]string{}
	for k, v := range attrs {
		now[k] = v
	}
	for _, k := range []string{"email", "phone_number"} {
		v, given := attrs[k]
		if !given || !contains(held, k) || (setsVerified && attrs[k+"_verified"] == "true") {
			continue
		}
		delete(now, k)
		delete(now, k+"_verified")
		if v == u.Attributes[k] {
			// Back to the current value: nothing waits any more.
			delete(u.PendingAttributes, k)
			delete(u.Codes, purposeVerifyPrefix+k)
			continue
		}
		if u.PendingAttributes == nil {
			u.PendingAttributes = map[string]string{}
		}
		u.PendingAttributes[k] = v
		medium := "EMAIL"
		if k == "phone_number" {
			medium = "SMS"
		}
		msg, d := s.issueCode(u, purposeVerifyPrefix+k, k, medium, v, verifyCodeTTL)
		*msgs = append(*msgs, msg)
		*details = append(*details, *d)
	}
	return now
}

// pendingOr is the value an attribute verification is about: the pending
// new value if one waits, else the current one.
func pendingOr(u *store.User, name string) string {
	if v, ok := u.PendingAttributes[name]; ok {
		return v
	}
	return u.Attributes[name]
}

// applyPending makes a verified pending value the attribute's value.
func applyPending(u *store.User, name string) {
	if v, ok := u.PendingAttributes[name]; ok {
		u.Attributes[name] = v
		delete(u.PendingAttributes, name)
	}
}

// checkUpdateSettings refuses, as Cognito does, attributes that require
// verification before update without being verified automatically: their
// new values could never be verified.
func checkUpdateSettings(p *pool) error {
	for _, a := range p.verifyBeforeUpdate() {
		if !contains(p.doc.AutoVerifiedAttributes, a) {
			return api.Errorf(api.ErrInvalidParameter, api.MsgVerifyBeforeUpdateNotAutoVerified)
		}
	}
	return nil
}
