package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
)

// authClass says how an operation is authorised.
type authClass int

const (
	// public operations are authorised by what their body carries (client
	// id, access token, session); a signature, if sent, is not required.
	public authClass = iota
	// iam operations need a valid SigV4 signature by the admin credentials.
	iam
)

// operation is one row of the table: how it is authorised and its handler,
// which decodes and validates the body before calling the domain.
type operation struct {
	auth authClass
	call func(ctx context.Context, body []byte) (any, error)
	// check decodes and validates a body without calling the domain, so
	// that fuzzing reaches every operation's input handling, those behind
	// SigV4 included.
	check func(body []byte) error
	// in and out are the request and answer shapes, for the model
	// conformance test.
	in, out reflect.Type
}

func op[In any, Out any](auth authClass, fn func(context.Context, *In) (Out, error)) operation {
	input := func(body []byte) (*In, error) {
		in := new(In)
		if err := decode(body, in); err != nil {
			return nil, err
		}
		if err := api.Validate(in); err != nil {
			return nil, err
		}
		return in, nil
	}
	return operation{auth: auth, in: reflect.TypeFor[In](), out: reflect.TypeFor[Out](),
		call: func(ctx context.Context, body []byte) (any, error) {
			in, err := input(body)
			if err != nil {
				return nil, err
			}
			return fn(ctx, in)
		},
		check: func(body []byte) error { _, err := input(body); return err },
	}
}

// MaxDepth bounds how deeply a request body may nest objects and arrays.
// Cognito's deepest input shapes nest four or five levels; encoding/json
// alone would accept 10000, each costing stack and allocations.
const MaxDepth = 32

// decode reads a JSON 1.1 request body; an empty body is an empty object.
func decode(body []byte, v any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if err := checkText(body); err != nil {
		return err
	}
	if err := checkDepth(body); err != nil {
		return err
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	if e, ok := api.As(err); ok {
		return e
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return api.Errorf(api.ErrSerialization, api.MsgUnexpectedValueType, typeErr.Field, jsonKind(typeErr.Type.Kind().String()))
	}
	return api.Errorf(api.ErrSerialization, api.MsgBodyNotObject)
}

// checkText refuses a body that is not valid UTF-8, or whose strings
// escape half of a UTF-16 surrogate pair (\ud800 alone): encoding/json
// would turn either into U+FFFD, so that two different byte strings
// became the same user name, password or attribute value.
func checkText(body []byte) error {
	bad := api.Errorf(api.ErrSerialization, api.MsgBodyNotUTF8)
	if !utf8.Valid(body) {
		return bad
	}
	inString, pendingHigh := false, false
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !inString {
			inString = c == '"'
			continue
		}
		switch c {
		case '"':
			if pendingHigh {
				return bad
			}
			inString = false
		case '\\':
			if i+1 >= len(body) {
				return nil // truncated: the parser says so
			}
			if body[i+1] != 'u' {
				if pendingHigh {
					return bad
				}
				i++
				continue
			}
			if i+6 > len(body) {
				return nil
			}
			r, err := strconv.ParseUint(string(body[i+2:i+6]), 16, 16)
			if err != nil {
				return nil // not an escape at all: the parser says so
			}
			i += 5
			switch {
			case r >= 0xd800 && r < 0xdc00:
				if pendingHigh {
					return bad
				}
				pendingHigh = true
			case r >= 0xdc00 && r < 0xe000:
				if !pendingHigh {
					return bad
				}
				pendingHigh = false
			default:
				if pendingHigh {
					return bad
				}
			}
		default:
			if pendingHigh {
				return bad
			}
		}
	}
	return nil
}

// checkDepth refuses a body nesting deeper than MaxDepth before it is
// parsed. It tracks brackets outside strings only: whether the body is
// valid JSON is for the parser to say.
func checkDepth(body []byte) error {
	depth, inString, escaped := 0, false, false
	for _, c := range body {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > MaxDepth {
				return api.Errorf(api.ErrSerialization, api.MsgBodyTooDeep, MaxDepth)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "int32", "int64", "int", "float64":
		return "number"
	case "slice":
		return "list"
	case "map", "struct", "ptr":
		return "structure"
	}
	return fmt.Sprintf("a %s", goKind)
}

// Operations lists every operation the server serves, true for those that
// need a SigV4 signature. Tests walk it, so that an operation added to the
// table cannot escape the signature checks unnoticed.
func Operations() map[string]bool {
	out := map[string]bool{}
	// The handlers are bound to a nil service and never called.
	for name, o := range operations(nil) {
		out[name] = o.auth == iam
	}
	return out
}

// operations is the operation table: every Cognito operation Cognate serves
// is one row here.
func operations(v *idp.Service) map[string]operation {
	return map[string]operation{
		// Users and sign-in, authorised by their body.
		"SignUp":                           op(public, v.SignUp),
		"ConfirmSignUp":                    op(public, v.ConfirmSignUp),
		"ResendConfirmationCode":           op(public, v.ResendConfirmationCode),
		"InitiateAuth":                     op(public, v.InitiateAuth),
		"RespondToAuthChallenge":           op(public, v.RespondToAuthChallenge),
		"GetTokensFromRefreshToken":        op(public, v.GetTokensFromRefreshToken),
		"AssociateSoftwareToken":           op(public, v.AssociateSoftwareToken),
		"VerifySoftwareToken":              op(public, v.VerifySoftwareToken),
		"SetUserMFAPreference":             op(public, v.SetUserMFAPreference),
		"GetUser":                          op(public, v.GetUser),
		"RevokeToken":                      op(public, v.RevokeToken),
		"ForgotPassword":                   op(public, v.ForgotPassword),
		"ConfirmForgotPassword":            op(public, v.ConfirmForgotPassword),
		"ChangePassword":                   op(public, v.ChangePassword),
		"UpdateUserAttributes":             op(public, v.UpdateUserAttributes),
		"DeleteUserAttributes":             op(public, v.DeleteUserAttributes),
		"GetUserAttributeVerificationCode": op(public, v.GetUserAttributeVerificationCode),
		"VerifyUserAttribute":              op(public, v.VerifyUserAttribute),
		"DeleteUser":                       op(public, v.DeleteUser),
		"GlobalSignOut":                    op(public, v.GlobalSignOut),
		"ConfirmDevice":                    op(public, v.ConfirmDevice),
		"GetDevice":                        op(public, v.GetDevice),
		"ListDevices":                      op(public, v.ListDevices),
		"ForgetDevice":                     op(public, v.ForgetDevice),
		"UpdateDeviceStatus":               op(public, v.UpdateDeviceStatus),
		"SetUserSettings":                  op(public, v.SetUserSettings),
		"UpdateAuthEventFeedback":          op(public, v.UpdateAuthEventFeedback),
		"StartWebAuthnRegistration":        op(public, v.StartWebAuthnRegistration),
		"CompleteWebAuthnRegistration":     op(public, v.CompleteWebAuthnRegistration),
		"ListWebAuthnCredentials":          op(public, v.ListWebAuthnCredentials),
		"DeleteWebAuthnCredential":         op(public, v.DeleteWebAuthnCredential),
		"GetUserAuthFactors":               op(public, v.GetUserAuthFactors),

		// Administration, SigV4-signed.
		"AdminInitiateAuth":                    op(iam, v.AdminInitiateAuth),
		"AdminRespondToAuthChallenge":          op(iam, v.AdminRespondToAuthChallenge),
		"AdminSetUserMFAPreference":            op(iam, v.AdminSetUserMFAPreference),
		"AdminConfirmSignUp":                   op(iam, v.AdminConfirmSignUp),
		"AdminGetDevice":                       op(iam, v.AdminGetDevice),
		"AdminListDevices":                     op(iam, v.AdminListDevices),
		"AdminForgetDevice":                    op(iam, v.AdminForgetDevice),
		"AdminUpdateDeviceStatus":              op(iam, v.AdminUpdateDeviceStatus),
		"AdminGetUser":                         op(iam, v.AdminGetUser),
		"AdminDeleteUser":                      op(iam, v.AdminDeleteUser),
		"AdminUserGlobalSignOut":               op(iam, v.AdminUserGlobalSignOut),
		"AdminCreateUser":                      op(iam, v.AdminCreateUser),
		"AdminListUserAuthEvents":              op(iam, v.AdminListUserAuthEvents),
		"CreateGroup":                          op(iam, v.CreateGroup),
		"GetGroup":                             op(iam, v.GetGroup),
		"UpdateGroup":                          op(iam, v.UpdateGroup),
		"DeleteGroup":                          op(iam, v.DeleteGroup),
		"ListGroups":                           op(iam, v.ListGroups),
		"AdminListGroupsForUser":               op(iam, v.AdminListGroupsForUser),
		"AdminAddUserToGroup":                  op(iam, v.AdminAddUserToGroup),
		"AdminRemoveUserFromGroup":             op(iam, v.AdminRemoveUserFromGroup),
		"ListUsersInGroup":                     op(iam, v.ListUsersInGroup),
		"AdminSetUserPassword":                 op(iam, v.AdminSetUserPassword),
		"AdminResetUserPassword":               op(iam, v.AdminResetUserPassword),
		"AdminUpdateUserAttributes":            op(iam, v.AdminUpdateUserAttributes),
		"AdminDeleteUserAttributes":            op(iam, v.AdminDeleteUserAttributes),
		"AdminDisableUser":                     op(iam, v.AdminDisableUser),
		"AdminEnableUser":                      op(iam, v.AdminEnableUser),
		"ListUsers":                            op(iam, v.ListUsers),
		"CreateUserPool":                       op(iam, v.CreateUserPool),
		"DescribeUserPool":                     op(iam, v.DescribeUserPool),
		"ListUserPools":                        op(iam, v.ListUserPools),
		"UpdateUserPool":                       op(iam, v.UpdateUserPool),
		"DeleteUserPool":                       op(iam, v.DeleteUserPool),
		"SetUserPoolMfaConfig":                 op(iam, v.SetUserPoolMfaConfig),
		"GetUserPoolMfaConfig":                 op(iam, v.GetUserPoolMfaConfig),
		"CreateUserPoolClient":                 op(iam, v.CreateUserPoolClient),
		"DescribeUserPoolClient":               op(iam, v.DescribeUserPoolClient),
		"ListUserPoolClients":                  op(iam, v.ListUserPoolClients),
		"UpdateUserPoolClient":                 op(iam, v.UpdateUserPoolClient),
		"DeleteUserPoolClient":                 op(iam, v.DeleteUserPoolClient),
		"CreateResourceServer":                 op(iam, v.CreateResourceServer),
		"DescribeResourceServer":               op(iam, v.DescribeResourceServer),
		"ListResourceServers":                  op(iam, v.ListResourceServers),
		"UpdateResourceServer":                 op(iam, v.UpdateResourceServer),
		"DeleteResourceServer":                 op(iam, v.DeleteResourceServer),
		"CreateIdentityProvider":               op(iam, v.CreateIdentityProvider),
		"UpdateIdentityProvider":               op(iam, v.UpdateIdentityProvider),
		"DescribeIdentityProvider":             op(iam, v.DescribeIdentityProvider),
		"DeleteIdentityProvider":               op(iam, v.DeleteIdentityProvider),
		"ListIdentityProviders":                op(iam, v.ListIdentityProviders),
		"GetIdentityProviderByIdentifier":      op(iam, v.GetIdentityProviderByIdentifier),
		"AdminLinkProviderForUser":             op(iam, v.AdminLinkProviderForUser),
		"AdminDisableProviderForUser":          op(iam, v.AdminDisableProviderForUser),
		"CreateUserPoolDomain":                 op(iam, v.CreateUserPoolDomain),
		"DescribeUserPoolDomain":               op(iam, v.DescribeUserPoolDomain),
		"UpdateUserPoolDomain":                 op(iam, v.UpdateUserPoolDomain),
		"DeleteUserPoolDomain":                 op(iam, v.DeleteUserPoolDomain),
		"AddCustomAttributes":                  op(iam, v.AddCustomAttributes),
		"TagResource":                          op(iam, v.TagResource),
		"UntagResource":                        op(iam, v.UntagResource),
		"ListTagsForResource":                  op(iam, v.ListTagsForResource),
		"GetSigningCertificate":                op(iam, v.GetSigningCertificate),
		"GetUICustomization":                   op(iam, v.GetUICustomization),
		"SetUICustomization":                   op(iam, v.SetUICustomization),
		"DescribeRiskConfiguration":            op(iam, v.DescribeRiskConfiguration),
		"SetRiskConfiguration":                 op(iam, v.SetRiskConfiguration),
		"AdminSetUserSettings":                 op(iam, v.AdminSetUserSettings),
		"AddUserPoolClientSecret":              op(iam, v.AddUserPoolClientSecret),
		"ListUserPoolClientSecrets":            op(iam, v.ListUserPoolClientSecrets),
		"DeleteUserPoolClientSecret":           op(iam, v.DeleteUserPoolClientSecret),
		"CreateTerms":                          op(iam, v.CreateTerms),
		"DescribeTerms":                        op(iam, v.DescribeTerms),
		"ListTerms":                            op(iam, v.ListTerms),
		"UpdateTerms":                          op(iam, v.UpdateTerms),
		"DeleteTerms":                          op(iam, v.DeleteTerms),
		"AdminUpdateAuthEventFeedback":         op(iam, v.AdminUpdateAuthEventFeedback),
		"GetLogDeliveryConfiguration":          op(iam, v.GetLogDeliveryConfiguration),
		"SetLogDeliveryConfiguration":          op(iam, v.SetLogDeliveryConfiguration),
		"CreateManagedLoginBranding":           op(iam, v.CreateManagedLoginBranding),
		"DescribeManagedLoginBranding":         op(iam, v.DescribeManagedLoginBranding),
		"DescribeManagedLoginBrandingByClient": op(iam, v.DescribeManagedLoginBrandingByClient),
		"UpdateManagedLoginBranding":           op(iam, v.UpdateManagedLoginBranding),
		"DeleteManagedLoginBranding":           op(iam, v.DeleteManagedLoginBranding),
		"GetCSVHeader":                         op(iam, v.GetCSVHeader),
		"CreateUserImportJob":                  op(iam, v.CreateUserImportJob),
		"StartUserImportJob":                   op(iam, v.StartUserImportJob),
		"StopUserImportJob":                    op(iam, v.StopUserImportJob),
		"DescribeUserImportJob":                op(iam, v.DescribeUserImportJob),
		"ListUserImportJobs":                   op(iam, v.ListUserImportJobs),
	}
}
