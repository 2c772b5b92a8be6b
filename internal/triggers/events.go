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

// Trigger sources of CustomMessage: one for each message Cognito sends.
const (
	SourceCustomMessageSignUp              = "CustomMessage_SignUp"
	SourceCustomMessageAdminCreateUser     = "CustomMessage_AdminCreateUser"
	SourceCustomMessageResendCode          = "CustomMessage_ResendCode"
	SourceCustomMessageForgotPassword      = "CustomMessage_ForgotPassword"
	SourceCustomMessageUpdateUserAttribute = "CustomMessage_UpdateUserAttribute"
	SourceCustomMessageVerifyUserAttribute = "CustomMessage_VerifyUserAttribute"
	SourceCustomMessageAuthentication      = "CustomMessage_Authentication"
)

// CustomMessageRequest is CustomMessage's request. UsernameParameter is
// null but for CustomMessage_AdminCreateUser, as Cognito sends it.
type CustomMessageRequest struct {
	UserAttributes    map[string]string `json:"userAttributes"`
	CodeParameter     string            `json:"codeParameter"`
	UsernameParameter *string           `json:"usernameParameter"`
	ClientMetadata    map[string]string `json:"clientMetadata,omitempty"`
}

// CustomMessageResponse is CustomMessage's response: null members leave
// the pool's own message in place. Cognito sends it with every member null.
type CustomMessageResponse struct {
	SMSMessage   *string `json:"smsMessage"`
	EmailMessage *string `json:"emailMessage"`
	EmailSubject *string `json:"emailSubject"`
}

// Trigger sources of UserMigration.
const (
	SourceUserMigrationAuthentication = "UserMigration_Authentication"
	SourceUserMigrationForgotPassword = "UserMigration_ForgotPassword"
)

// UserMigrationRequest is UserMigration's request. Password is the one the
// user typed (UserMigration_Authentication only).
type UserMigrationRequest struct {
	Password       string            `json:"password,omitempty"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata"`
}

// UserMigrationResponse is UserMigration's response.
type UserMigrationResponse struct {
	UserAttributes         map[string]string `json:"userAttributes"`
	FinalUserStatus        string            `json:"finalUserStatus"`
	MessageAction          string            `json:"messageAction"`
	DesiredDeliveryMediums []string          `json:"desiredDeliveryMediums"`
	ForceAliasCreation     bool              `json:"forceAliasCreation"`
}
