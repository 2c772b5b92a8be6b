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
