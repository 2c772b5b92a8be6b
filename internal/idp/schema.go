package idp

import (
	"encoding/json"
	"strings"

	"github.com/cognate-idp/cognate/internal/api"
)

// The pool schema as Cognito describes it: every standard attribute, in
// Cognito's order and with its constraints, then the pool's own attributes
// under their custom: (or dev:) names. A pool's Schema given at creation
// only adjusts standard attributes (Required, Mutable) and adds custom ones.

type standardAttr struct {
	name, kind       string
	minLen, maxLen   string // String constraints; "" for none
	mutable, require bool
}

// standardSchema is the order and shape DescribeUserPool shows.
var standardSchema = []standardAttr{
	{"sub", "String", "1", "2048", false, true},
	{"name", "String", "0", "2048", true, false},
	{"given_name", "String", "0", "2048", true, false},
	{"family_name", "String", "0", "2048", true, false},
	{"middle_name", "String", "0", "2048", true, false},
	{"nickname", "String", "0", "2048", true, false},
	{"preferred_username", "String", "0", "2048", true, false},
	{"profile", "String", "0", "2048", true, false},
	{"picture", "String", "0", "2048", true, false},
	{"website", "String", "0", "2048", true, false},
	{"email", "String", "0", "2048", true, false},
	{"email_verified", "Boolean", "", "", true, false},
	{"gender", "String", "0", "2048", true, false},
	{"birthdate", "String", "10", "10", true, false},
	{"zoneinfo", "String", "0", "2048", true, false},
	{"locale", "String", "0", "2048", true, false},
	{"phone_number", "String", "0", "2048", true, false},
	{"phone_number_verified", "Boolean", "", "", true, false},
	{"address", "String", "0", "2048", true, false},
	{"updated_at", "Number", "", "", true, false},
}

// describeSchema is the SchemaAttributes of DescribeUserPool and
// CreateUserPool.
func describeSchema(declared []api.SchemaAttribute) []api.SchemaAttribute {
	byName := map[string]api.SchemaAttribute{}
	for _, sa := range declared {
		byName[sa.Name] = sa
	}
	no := false
	out := make([]api.SchemaAttribute, 0, len(standardSchema)+len(declared))
	for _, st := range standardSchema {
		mutable, required := st.mutable, st.require
		d := api.SchemaAttribute{Name: st.name, AttributeDataType: st.kind, DeveloperOnlyAttribute: &no}
		switch {
		case st.minLen != "":
			d.StringAttributeConstraints = stringConstraints(st.minLen, st.maxLen)
		case st.kind == "Number":
			d.NumberAttributeConstraints = json.RawMessage(`{"MinValue":"0"}`)
		}
		if sa, ok := byName[st.name]; ok && st.name != "sub" {
			if sa.Mutable != nil {
				mutable = *sa.Mutable
			}
			if sa.Required != nil {
				required = *sa.Required
			}
			if len(sa.StringAttributeConstraints) > 0 {
				d.StringAttributeConstraints = sa.StringAttributeConstraints
			}
		}
		d.Mutable, d.Required = &mutable, &required
		out = append(out, d)
	}
	for _, sa := range declared {
		if standardAttributes[sa.Name] || sa.Name == "sub" {
			continue
		}
		d := sa
		d.Name = schemaName(sa)
		if d.AttributeDataType == "" {
			d.AttributeDataType = "String"
		}
		// Cognate treats an attribute declared without Mutable as mutable,
		// and says so.
		mutable, required, dev := true, false, false
		if sa.Mutable != nil {
			mutable = *sa.Mutable
		}
		if sa.Required != nil {
			required = *sa.Required
		}
		if sa.DeveloperOnlyAttribute != nil {
			dev = *sa.DeveloperOnlyAttribute
		}
		d.Mutable, d.Required, d.DeveloperOnlyAttribute = &mutable, &required, &dev
		out = append(out, d)
	}
	return out
}

// schemaName is a declared attribute's full name: custom:x, or dev:x for a
// developer-only one.
func schemaName(sa api.SchemaAttribute) string {
	base := strings.TrimPrefix(strings.TrimPrefix(sa.Name, "custom:"), "dev:")
	if sa.DeveloperOnlyAttribute != nil && *sa.DeveloperOnlyAttribute {
		return "dev:" + base
	}
	return "custom:" + base
}

func stringConstraints(min, max string) json.RawMessage {
	b, _ := json.Marshal(map[string]string{"MinLength": min, "MaxLength": max})
	return b
}

// missingRequired lists the pool's required standard attributes that attrs
// has no value for, in schema order.
func missingRequired(p *pool, attrs map[string]string) []string {
	var out []string
	for _, sa := range p.doc.Schema {
		if sa.Required != nil && *sa.Required && standardAttributes[sa.Name] && attrs[sa.Name] == "" {
			out = append(out, sa.Name)
		}
	}
	return out
}
