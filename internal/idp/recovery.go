package idp

import (
	"encoding/json"
	"sort"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// recoveryOption is one entry of AccountRecoverySetting.RecoveryMechanisms.
type recoveryOption struct {
	Name     string
	Priority int32
}

// recoveryMechanisms returns the pool's account-recovery channels in
// priority order, or nil when the pool sets none.
func (p *pool) recoveryMechanisms() []recoveryOption {
	if len(p.doc.AccountRecoverySetting) == 0 {
		return nil
	}
	var setting struct{ RecoveryMechanisms []recoveryOption }
	if json.Unmarshal(p.doc.AccountRecoverySetting, &setting) != nil {
		return nil
	}
	list := setting.RecoveryMechanisms
	sort.SliceStable(list, func(i, j int) bool { return list[i].Priority < list[j].Priority })
	return list
}

// adminOnlyRecovery refuses self-service password reset in a pool whose
// account recovery is admin_only.
func adminOnlyRecovery(p *pool) error {
	for _, o := range p.recoveryMechanisms() {
		if o.Name == "admin_only" {
			return api.Errorf(api.ErrNotAuthorized, api.MsgAdminOnlyReset)
		}
	}
	return nil
}

// legacyRecovery is Cognito's order for a pool without
// AccountRecoverySetting: SMS is preferred over email.
var legacyRecovery = []recoveryOption{{Name: "verified_phone_number", Priority: 1}, {Name: "verified_email", Priority: 2}}

// recoveryContact picks where a password-reset code goes: the first channel
// of the pool's AccountRecoverySetting (or the legacy order) that the user
// has verified.
func recoveryContact(p *pool, u *store.User) (attr, medium, dest string) {
	list := p.recoveryMechanisms()
	if len(list) == 0 {
		list = legacyRecovery
	}
	for _, o := range list {
		var a, m string
		switch o.Name {
		case "verified_email":
			a, m = "email", "EMAIL"
		case "verified_phone_number":
			a, m = "phone_number", "SMS"
		default:
			continue
		}
		if u.Attributes[a] != "" && u.Attributes[a+"_verified"] == "true" {
			return a, m, u.Attributes[a]
		}
	}
	return "", "", ""
}
