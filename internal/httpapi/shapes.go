package httpapi

import "reflect"

// Shape names the Go types of one operation's request and answer.
type Shape struct {
	In, Out reflect.Type
}

// Shapes lists every served operation's request and answer types, so that
// a test can hold them to Cognito's published model.
func Shapes() map[string]Shape {
	out := map[string]Shape{}
	for name, o := range operations(nil) {
		out[name] = Shape{In: o.in, Out: o.out}
	}
	return out
}

// requiredFor lists, for operations whose request shape is shared with
// another operation, the members Cognito's model requires of this one that
// the shared shape cannot mark required (UserPoolId and Username in the
// admin forms, AccessToken in the user's own). They are refused when
// missing in the same "Value null at" words as the tagged ones.
var requiredFor = map[string][]string{
	"AdminInitiateAuth":           {"UserPoolId"},
	"AdminRespondToAuthChallenge": {"UserPoolId"},
	"AdminGetDevice":              {"UserPoolId", "Username"},
	"AdminForgetDevice":           {"UserPoolId", "Username"},
	"AdminListDevices":            {"UserPoolId", "Username"},
	"AdminUpdateDeviceStatus":     {"UserPoolId", "Username"},
	"AdminSetUserMFAPreference":   {"UserPoolId", "Username"},
	"AdminUpdateUserAttributes":   {"UserPoolId", "Username"},
	"AdminDeleteUserAttributes":   {"UserPoolId", "Username"},
	"AdminListGroupsForUser":      {"Username"},
	"ListDevices":                 {"AccessToken"},
	"SetUserMFAPreference":        {"AccessToken"},
	"UpdateDeviceStatus":          {"AccessToken"},
	"UpdateUserAttributes":        {"AccessToken"},
	"DeleteUserAttributes":        {"AccessToken"},
	"VerifyUserAttribute":         {"Code"},
	"CreateUserPoolClient":        {"ClientName"},
}
