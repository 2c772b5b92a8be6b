package idp

import "encoding/json"

// adminCreateOnly reports whether the pool's AdminCreateUserConfig allows
// only administrators to create users: SignUp is then refused, on the API
// and on the hosted pages alike.
func (p *pool) adminCreateOnly() bool {
	var cfg struct{ AllowAdminCreateUserOnly bool }
	return len(p.doc.AdminCreateUserConfig) > 0 && json.Unmarshal(p.doc.AdminCreateUserConfig, &cfg) == nil && cfg.AllowAdminCreateUserOnly
}
