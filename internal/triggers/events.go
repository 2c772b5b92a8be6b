package triggers

// Each trigger's request and response members, as Cognito documents them
// ("Customizing user pool workflows with Lambda triggers"). The trigger
// sources (Event.TriggerSource) are named beside each trigger.

// Trigger sources of PreSignUp.
const (
	SourcePreSignUp          = "PreSignUp_SignUp"
	SourcePreSignUpAdmin     = "PreSignUp_AdminCreateUser"
	SourcePreSignUpFederated = "PreSignUp_ExternalProvider"
)

// PreSignUpRequest is PreSignUp's request.
type PreSignUpRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata"`
}

// PreSignUpResponse is PreSignUp's response.
type PreSignUpResponse struct {
	AutoConfirmUser bool `json:"autoConfirmUser"`
	AutoVerifyEmail bool `json:"autoVerifyEmail"`
	AutoVerifyPhone bool `json:"autoVerifyPhone"`
}

// Trigger sources of PostConfirmation: ConfirmSignUp, AdminConfirmSignUp
// and a SignUp that PreSignUp auto-confirms give the first;
// ConfirmForgotPassword the second.
const (
	SourcePostConfirmationSignUp = "PostConfirmation_ConfirmSignUp"
	SourcePostConfirmationForgot = "PostConfirmation_ConfirmForgotPassword"
)

// PostConfirmationRequest is PostConfirmation's request. Its response has
// no members: the function's answer changes nothing.
type PostConfirmationRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// Trigger source of PreAuthentication.
const SourcePreAuthentication = "PreAuthentication_Authentication"

// PreAuthenticationRequest is PreAuthentication's request: validationData
// is the ClientMetadata of InitiateAuth or AdminInitiateAuth; userNotFound
// is set only for app clients that hide user existence
// (PreventUserExistenceErrors ENABLED), true for an unknown user. Its
// response has no members: only an error changes anything (it refuses the
// sign-in).
type PreAuthenticationRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ValidationData map[string]string `json:"validationData,omitempty"`
	UserNotFound   *bool             `json:"userNotFound,omitempty"`
}

// Trigger source of PostAuthentication.
const SourcePostAuthentication = "PostAuthentication_Authentication"

// PostAuthenticationRequest is PostAuthentication's request: newDeviceUsed
// is set only in pools that remember devices; clientMetadata is that of
// RespondToAuthChallenge or AdminRespondToAuthChallenge (never
// InitiateAuth's). Its response has no members.
type PostAuthenticationRequest struct {
	NewDeviceUsed  *bool             `json:"newDeviceUsed,omitempty"`
	UserAttributes map[string]string `json:"userAttributes"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}
